/**
 * Why the read side talks to MongoDB through the official driver and not through mongoose: the
 * cost of the projector's and the gateway's store paths through each, on the same store, in the
 * same run. Run with a store up: `npm run bench:driver` (MONGODB_URI, default the dev stack's
 * FerretDB at 127.0.0.1:27017; BENCH_DRIVER_DOCS, default 20,000 documents).
 *
 * Measured per path: wall time per document and the Node process's CPU time per document (the
 * client-side cost the library adds; the store's own cost is the same for both). Baseline: the
 * raw `mongodb` driver. mongoose is measured as it would be used for read-model schemas: a
 * schema with the indicator document's fields, `Model.insertMany`, `findById` (hydrated and
 * `.lean()`), and `replaceOne`.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { MongoClient, type Collection } from 'mongodb';
import mongoose from 'mongoose';

const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
const total = Number(process.env.BENCH_DRIVER_DOCS ?? 20_000);
const CHUNK = 1_000;
const LOOKUPS = Math.min(2_000, total);

interface IndicatorLike {
  _id: string;
  type: string;
  value: string;
  tlp: string;
  audience: { orgs: string[]; sectors: string[] };
  publisherOrgId: string;
  confidence: number;
  validFrom: Date;
  cves: string[];
  killChainPhases: { killChainName: string; phaseName: string }[];
  description: string;
  version: number;
  updatedAt: Date;
}

function doc(i: number): IndicatorLike {
  return {
    _id: randomUUID(),
    type: 'ipv4',
    value: `198.51.${(i >> 8) & 255}.${i & 255}`,
    tlp: ['CLEAR', 'GREEN', 'AMBER', 'RED'][i % 4]!,
    audience: { orgs: i % 4 === 3 ? ['op-kanto-grid'] : [], sectors: ['electricity'] },
    publisherOrgId: 'op-kanto-grid',
    confidence: 70,
    validFrom: new Date(),
    cves: ['CVE-2024-3400'],
    killChainPhases: [{ killChainName: 'mitre-attack', phaseName: 'command-and-control' }],
    description: 'x'.repeat(300),
    version: 1,
    updatedAt: new Date(),
  };
}

function withoutId(d: IndicatorLike): Omit<IndicatorLike, '_id'> {
  const { _id: _, ...rest } = d;
  return rest;
}

interface Figure {
  wallUsPerDoc: number;
  cpuUsPerDoc: number;
}

async function measure(n: number, run: () => Promise<void>): Promise<Figure> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallUsPerDoc: (wall * 1000) / n, cpuUsPerDoc: (cpu.user + cpu.system) / n };
}

async function main(): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const client = await new MongoClient(uri, { retryWrites: false }).connect();
  const db = client.db(`bench_driver_${suffix}`);
  const conn = await mongoose
    .createConnection(`${uri.replace(/\/?$/, '/')}bench_driver_${suffix}`, {
      retryWrites: false,
      autoIndex: false,
    })
    .asPromise();
  const schema = new mongoose.Schema(
    {
      _id: String,
      type: String,
      value: String,
      tlp: String,
      audience: { orgs: [String], sectors: [String] },
      publisherOrgId: String,
      confidence: Number,
      validFrom: Date,
      cves: [String],
      killChainPhases: [{ _id: false, killChainName: String, phaseName: String }],
      description: String,
      version: Number,
      updatedAt: Date,
    },
    { versionKey: false },
  );
  const Model = conn.model('Indicator', schema, 'via_mongoose');
  const raw: Collection<IndicatorLike> = db.collection<IndicatorLike>('via_driver');

  const driverDocs = Array.from({ length: total }, (_, i) => doc(i));
  const mongooseDocs = Array.from({ length: total }, (_, i) => doc(i));
  const rows: [string, Figure, Figure][] = [];

  const ins = async (
    insert: (chunk: IndicatorLike[]) => Promise<unknown>,
    docs: IndicatorLike[],
  ) => {
    for (let i = 0; i < docs.length; i += CHUNK) {
      await insert(docs.slice(i, i + CHUNK));
      if ((i / CHUNK) % 5 === 0)
        process.stderr.write(`\r  inserted ${i + CHUNK}/${docs.length}   `);
    }
    process.stderr.write('\n');
  };
  rows.push([
    `insertMany, chunks of ${CHUNK}`,
    await measure(total, () => ins((c) => raw.insertMany(c, { ordered: false }), driverDocs)),
    await measure(total, () => ins((c) => Model.insertMany(c, { ordered: false }), mongooseDocs)),
  ]);

  const ids = (docs: IndicatorLike[]) =>
    Array.from({ length: LOOKUPS }, (_, i) => docs[(i * 7919) % docs.length]!._id);
  const driverIds = ids(driverDocs);
  const mongooseIds = ids(mongooseDocs);
  rows.push([
    'find one by _id (hydrated)',
    await measure(LOOKUPS, async () => {
      for (const id of driverIds) await raw.findOne({ _id: id });
    }),
    await measure(LOOKUPS, async () => {
      for (const id of mongooseIds) await Model.findById(id).exec();
    }),
  ]);
  rows.push([
    'find one by _id (.lean())',
    await measure(LOOKUPS, async () => {
      for (const id of driverIds) await raw.findOne({ _id: id });
    }),
    await measure(LOOKUPS, async () => {
      for (const id of mongooseIds) await Model.findById(id).lean().exec();
    }),
  ]);
  rows.push([
    'replaceOne by _id',
    await measure(LOOKUPS, async () => {
      for (const [i, id] of driverIds.entries())
        await raw.replaceOne({ _id: id }, { ...withoutId(doc(i)), version: 2 });
    }),
    await measure(LOOKUPS, async () => {
      for (const [i, id] of mongooseIds.entries())
        await Model.replaceOne({ _id: id }, { ...doc(i), _id: id, version: 2 }).exec();
    }),
  ]);

  await db.dropDatabase().catch(() => undefined);
  await conn.close();
  await client.close();

  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `\nstore: ${uri.replace(/\/\/[^@]*@/, '//')}  documents: ${total}  lookups: ${LOOKUPS}`,
  );
  console.log(
    'path                              driver µs/doc (cpu)   mongoose µs/doc (cpu)   wall ×   cpu ×',
  );
  for (const [name, d, m] of rows) {
    console.log(
      `${name.padEnd(32)} ${f(d.wallUsPerDoc)} (${f(d.cpuUsPerDoc)})   ${f(m.wallUsPerDoc)} (${f(m.cpuUsPerDoc)})   ${(m.wallUsPerDoc / d.wallUsPerDoc).toFixed(2).padStart(5)}  ${(m.cpuUsPerDoc / d.cpuUsPerDoc).toFixed(2).padStart(5)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
