import type { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { DEMO_ORGS, type Organisation } from '@acd/identity';
import { applyEvents, connectMongo, type Projection, type ReadModelDoc } from '@acd/persistence';
import {
  flowMatchProjection,
  flowSubmissionProjection,
  TrafficQueries,
  flowMatchIdFor,
  type TrafficEvent,
} from '@acd/traffic';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';
import {
  flowBatchReceivedAt,
  flowMatchedAt,
  trafficEnvelope,
} from '../../libs/traffic/src/domain/testing/traffic-events';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const { nihonTelecom, nco, oversight, npa, sdfCyber, kantoElectric } = DEMO_ORGS;
const otherTelecom: Organisation = { id: 'tel-other', name: 'Other', kind: 'telecom' };

const envelope = trafficEnvelope;
const received = flowBatchReceivedAt;
const matched = (batchId: string, flowIndex: number, indicatorId: string, at: number) =>
  flowMatchedAt(batchId, flowIndex, indicatorId, at, nihonTelecom.id);

/** The traffic read models on the real MongoDB-compatible server: replay, who sees what, paging (retention: traffic-retention.int.spec.ts). */
describe('traffic read models', () => {
  let conn: MongoClient;
  let db: Db;
  let queries: TrafficQueries;
  const events = [
    envelope(received('b-1', nihonTelecom.id, T0), T0),
    envelope(received('b-2', otherTelecom.id, T0 + DAY), T0 + DAY),
    envelope(received('b-old', nihonTelecom.id, T0 - 200 * DAY), T0 - 200 * DAY),
    ...[0, 1, 2, 3, 4].map((i) =>
      envelope(matched('b-1', i, i < 3 ? 'ind-1' : 'ind-2', T0 + i * 1_000), T0),
    ),
    envelope(matched('b-old', 0, 'ind-1', T0 - 200 * DAY), T0 - 200 * DAY),
  ];
  const projections = [flowSubmissionProjection, flowMatchProjection] as unknown as Projection<
    TrafficEvent,
    ReadModelDoc
  >[];

  async function applyAll(): Promise<void> {
    for (const p of projections) await applyEvents(p, db.collection(p.collection), events);
  }

  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_trf${randomId(6)}`));
    db = conn.db();
    queries = new TrafficQueries(db);
    await applyAll();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('stores one document per submission and per match, and a replay changes nothing', async () => {
    const before = await db.collection('flow-matches').find({}).sort({ _id: 1 }).toArray();
    expect(await db.collection('flow-submissions').countDocuments()).toBe(3);
    expect(before).toHaveLength(6);
    await applyAll();
    expect(await db.collection('flow-matches').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    expect(await db.collection('flow-submissions').countDocuments()).toBe(3);
  });

  it('a telecom operator reads its own submissions only, and no match', async () => {
    const own = await queries.listSubmissions(nihonTelecom, { limit: 10 });
    expect(own.items.map((d) => d._id).sort()).toEqual(['b-1', 'b-old']);
    expect(
      (await queries.listSubmissions(otherTelecom, { limit: 10 })).items.map((d) => d._id),
    ).toEqual(['b-2']);
    expect((await queries.listMatches(nihonTelecom, { limit: 10 })).items).toEqual([]);
    expect(await queries.findSubmission(otherTelecom, 'b-1')).toBeNull();
    const id = flowMatchIdFor('b-1', 0, 'ind-1');
    expect(await queries.findMatch(nihonTelecom, id)).toBeNull();
  });

  it('the office and the commission read all; police, SDF and operators nothing', async () => {
    for (const v of [nco, oversight]) {
      expect((await queries.listSubmissions(v, { limit: 10 })).items).toHaveLength(3);
      expect((await queries.listMatches(v, { limit: 10 })).items).toHaveLength(6);
      expect(await queries.findMatch(v, flowMatchIdFor('b-1', 4, 'ind-2'))).not.toBeNull();
    }
    for (const v of [npa, sdfCyber, kantoElectric]) {
      expect((await queries.listSubmissions(v, { limit: 10 })).items).toEqual([]);
      expect((await queries.listMatches(v, { limit: 10 })).items).toEqual([]);
      expect(await queries.findMatch(v, flowMatchIdFor('b-1', 4, 'ind-2'))).toBeNull();
    }
  });

  it('filters matches by indicator and time, and pages through them', async () => {
    const byIndicator = await queries.listMatches(nco, { limit: 10, indicatorId: 'ind-2' });
    expect(byIndicator.items.map((d) => d.flowIndex)).toEqual([3, 4]);
    const since = await queries.listMatches(nco, { limit: 10, since: new Date(T0 + 2_000) });
    expect(since.items.map((d) => d.flowIndex)).toEqual([2, 3, 4]);
    const seen: number[] = [];
    let cursor: { updatedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await queries.listMatches(nco, {
        limit: 2,
        batchId: 'b-1',
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((d) => d.flowIndex));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });
});
