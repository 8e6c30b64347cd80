/**
 * What the audit log costs per entry, without servers: appending (canonical JSON, leaf hash,
 * frontier, one Ed25519 signature per entry), verifying (the same, plus one signature check per
 * entry), and proofs from stored perfect-subtree hashes. Run after a build:
 * `npm run bench:audit` (BENCH_AUDIT_SIZE, default 20000).
 *
 * Baseline in the same run: what the work must cost at least on this machine, i.e. Node's own
 * Ed25519 signature (and check) of a 32-byte message plus one SHA-256 of the entry's bytes per
 * entry, with nothing of ours around it. The ratio says what the tree, the canonical JSON and the
 * bookkeeping add.
 */
import { createHash, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  AuditSigningKey,
  consistencyProof,
  hashesOfPerfectNodes,
  inclusionProof,
  LogAppender,
  LogVerifier,
  nodesRead,
  type LogRecord,
} from '@acd/audit';

const size = Number(process.env.BENCH_AUDIT_SIZE ?? 20_000);
const key = AuditSigningKey.parse(Buffer.alloc(32, 1).toString('base64'));
const appender = new LogAppender(key);
const records: LogRecord[] = [];
const nodes = new Map<string, Buffer>();

let t = performance.now();
for (let i = 0; i < size; i++) {
  const {
    entry,
    head,
    nodes: created,
  } = appender.append(
    {
      metadata: {
        eventType: 'ReadRecorded',
        eventId: `read-${i}`,
        orgId: 'op-kanto-electric',
        aggregateId: 'op-kanto-electric',
        occurredAt: new Date(1_800_000_000_000 + i),
      },
      data: {
        route: 'GET /v1/indicators',
        query: '{"limit":100}',
        items: Array.from({ length: 5 }, (_, j) => ({
          kind: 'indicator',
          id: `i-${i}-${j}`,
          tlp: 'RED',
        })),
      },
      source: { topic: 'acd.audit.reads.v1', partition: i % 3, offset: String(i) },
    },
    1_800_000_000_000 + i,
  );
  records.push({ entry, head });
  for (const n of created) nodes.set(`${n.level}:${n.index}`, n.hash);
}
const appendMs = performance.now() - t;

t = performance.now();
const verifier = new LogVerifier(key.publicKey);
for (const r of records) if (verifier.push(r)) throw new Error('verification failed');
const result = verifier.finish(records[records.length - 1]?.head);
if (!result.ok) throw new Error('verification failed');
const verifyMs = performance.now() - t;

// Baseline: the bare primitives, one signature + one hash per entry (and one check + one hash).
const sample = records
  .slice(0, Math.min(size, 5_000))
  .map((r) => Buffer.from(JSON.stringify(r.entry)));
t = performance.now();
const sigs: Buffer[] = [];
for (const bytes of sample) {
  const digest = createHash('sha256').update(bytes).digest();
  sigs.push(sign(null, digest, key.privateKey));
}
const baselineSignUs = ((performance.now() - t) * 1000) / sample.length;
t = performance.now();
sample.forEach((bytes, i) => {
  const digest = createHash('sha256').update(bytes).digest();
  if (!verify(null, digest, key.publicKey, sigs[i]!)) throw new Error('baseline verify failed');
});
const baselineVerifyUs = ((performance.now() - t) * 1000) / sample.length;

const stored = hashesOfPerfectNodes((level, index) => nodes.get(`${level}:${index}`)!);
const proofs = 1_000;
t = performance.now();
let read = 0;
for (let i = 0; i < proofs; i++) {
  const index = (i * 7919) % size;
  inclusionProof(stored, index, size);
  consistencyProof(stored, index + 1, size);
  read += nodesRead((h) => consistencyProof(h, index + 1, size)).length;
}
const proofMs = performance.now() - t;

console.log(
  JSON.stringify(
    {
      entries: size,
      appendPerEntryUs: +((appendMs * 1000) / size).toFixed(1),
      baselineSignAndHashUs: +baselineSignUs.toFixed(1),
      appendVsBaseline: +((appendMs * 1000) / size / baselineSignUs).toFixed(2),
      verifyPerEntryUs: +((verifyMs * 1000) / size).toFixed(1),
      baselineVerifyAndHashUs: +baselineVerifyUs.toFixed(1),
      verifyVsBaseline: +((verifyMs * 1000) / size / baselineVerifyUs).toFixed(2),
      inclusionAndConsistencyProofUs: +((proofMs * 1000) / proofs).toFixed(1),
      storedNodesReadPerConsistencyProof: +(read / proofs).toFixed(1),
      storedNodes: nodes.size,
    },
    null,
    2,
  ),
);
