import type { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { EventEnvelope } from '@acd/event-sourcing';
import { DEMO_ORGS, type Organisation } from '@acd/identity';
import {
  applyEvents,
  connectMongo,
  isFerretDb,
  type Projection,
  type ReadModelDoc,
} from '@acd/persistence';
import {
  assetProjection,
  incidentProjection,
  reportingFileProjection,
  ReportingQueries,
  type AssetDoc,
  type IncidentDoc,
  type ReportingFileDoc,
} from '@acd/reporting';
import type { ReportingEvent } from '@acd/reporting';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';
import { DAY, HOUR, ReportingFileHistory } from '@acd/reporting/testing';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-20T00:00:00Z');
const NOW = new Date(T0 + 4 * DAY);
const at = (ms: number) => new Date(ms);

const { kantoElectric, setouchiGrid, tokaiRail, nco, npa, meti, sdfCyber, oversight } = DEMO_ORGS;

/** Three operators' files, built through the real decider. */
function histories(): ReportingFileHistory[] {
  const kanto = new ReportingFileHistory(kantoElectric.id, 'electricity');
  kanto.notifyAsset('hmi-01', T0 - 10 * DAY);
  kanto.notifyAsset('old-plc', T0 - 10 * DAY);
  kanto.retireAsset('old-plc', T0 - 5 * DAY, 'Replaced');
  kanto.openIncident('inc-k1', T0, T0, { affectedAssets: ['hmi-01'] });
  kanto.fileReport('inc-k1', 'rep-k1-ew', 'EARLY_WARNING', T0 + HOUR);
  kanto.markMissed('inc-k1', 'jp-acd/notification', T0 + 3 * DAY + HOUR);
  kanto.issueOrder(kanto.lastCaseId(), 'order-k1', T0 + 10 * DAY, T0 + 3 * DAY + 2 * HOUR);
  kanto.openIncident('inc-k2', T0 + DAY, T0 + DAY, { sharedWithPolice: true });

  const setouchi = new ReportingFileHistory(setouchiGrid.id, 'electricity');
  setouchi.openIncident('inc-s1', T0, T0);
  setouchi.markMissed('inc-s1', 'jp-acd/early-warning', T0 + DAY + HOUR);
  setouchi.issueOrder(setouchi.lastCaseId(), 'order-s1', T0 + 2 * DAY, T0 + DAY + 2 * HOUR);
  setouchi.recordIgnored('order-s1', T0 + 2 * DAY + HOUR);
  setouchi.referToProsecutors('order-s1', T0 + 3 * DAY);
  setouchi.recordOutcome('order-s1', 1_000_000, T0 + 4 * DAY);

  const tokai = new ReportingFileHistory(tokaiRail.id, 'railways');
  tokai.notifyAsset('signal-hmi', T0);
  tokai.openIncident('inc-t1', T0, T0, { sharedWithPolice: true });
  tokai.fileReport('inc-t1', 'rep-t1-ew', 'EARLY_WARNING', T0 + HOUR);
  tokai.fileReport('inc-t1', 'rep-t1-n', 'NOTIFICATION', T0 + 2 * HOUR);
  tokai.fileReport('inc-t1', 'rep-t1-f', 'FINAL', T0 + 3 * HOUR);
  return [kanto, setouchi, tokai];
}

/** The files' events interleaved, as a topic partitioned by operator might deliver them. */
function interleave(lists: EventEnvelope<ReportingEvent>[][]): EventEnvelope<ReportingEvent>[] {
  const out: EventEnvelope<ReportingEvent>[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i += 1) {
    for (const l of lists) {
      const e = l[i];
      if (e) out.push(e);
    }
  }
  return out;
}

describe('reporting read models on the real MongoDB-compatible server', () => {
  let conn: MongoClient;
  let db: Db;
  let queries: ReportingQueries;
  const envelopes = interleave(histories().map((h) => h.envelopes));
  const projections = [
    incidentProjection,
    assetProjection,
    reportingFileProjection,
  ] as unknown as Projection<ReportingEvent, ReadModelDoc>[];

  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_rep${randomId(6)}`));
    db = conn.db();
    const ferret = await isFerretDb(db);
    const half = Math.floor(envelopes.length / 2);
    for (const p of projections) {
      const collection = db.collection<ReadModelDoc>(p.collection);
      if (!ferret) await p.createIndexes(collection);
      // Two batches, so documents are both inserted fresh and updated under the version guard.
      await applyEvents(p, collection, envelopes.slice(0, half));
      await applyEvents(p, collection, envelopes.slice(half));
    }
    queries = new ReportingQueries(db);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('writes one document per incident, asset and operator file', async () => {
    expect(await db.collection('incidents').countDocuments()).toBe(4);
    expect(await db.collection('assets').countDocuments()).toBe(3);
    expect(await db.collection('reportingFiles').countDocuments()).toBe(3);
  });

  it('a replay of events already applied changes nothing', async () => {
    const before = await db.collection('incidents').find({}).sort({ _id: 1 }).toArray();
    for (const p of projections) {
      const result = await applyEvents(p, db.collection<ReadModelDoc>(p.collection), envelopes);
      expect(result).toMatchObject({ applied: 0, written: 0, skipped: envelopes.length });
    }
    expect(await db.collection('incidents').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('stores the incident as the unit specs fold it, dates as dates', async () => {
    const doc = await queries.findIncident(kantoElectric, 'inc-k1');
    expect(doc).toMatchObject({
      _id: 'inc-k1',
      operatorId: kantoElectric.id,
      sector: 'electricity',
      affectedAssets: ['hmi-01'],
      closed: false,
      nextDeadlineAt: at(T0 + 30 * DAY),
    });
    expect(doc?.openedAt).toBeInstanceOf(Date);
    expect(doc?.deadlines.map((d) => d.status)).toEqual(['met', 'missed', 'pending']);
    expect(doc?.timeline.map((t) => t.kind)).toEqual([
      'opened',
      'report-filed',
      'case-opened',
      'deadline-missed',
    ]);
  });

  describe.each<[string, string, Organisation[], Organisation[]]>([
    [
      'an unshared electricity incident',
      'inc-k1',
      [kantoElectric, nco, meti],
      [setouchiGrid, tokaiRail, npa, sdfCyber, oversight],
    ],
    [
      'an electricity incident shared with the police',
      'inc-k2',
      [kantoElectric, nco, meti, npa],
      [setouchiGrid, tokaiRail, sdfCyber, oversight],
    ],
    [
      'a railway incident shared with the police',
      'inc-t1',
      [tokaiRail, nco, npa],
      [kantoElectric, meti, sdfCyber, oversight],
    ],
  ])('%s', (_, id, readers, others) => {
    it.each(readers.map((o) => [o.id, o] as const))('is read by %s', async (_id, viewer) => {
      expect((await queries.findIncident(viewer, id))?._id).toBe(id);
    });
    it.each(others.map((o) => [o.id, o] as const))(
      'answers %s exactly like a missing one',
      async (_id, viewer) => {
        expect(await queries.findIncident(viewer, id)).toBeNull();
      },
    );
  });

  it('a missing incident is null for everyone', async () => {
    expect(await queries.findIncident(nco, 'no-such-incident')).toBeNull();
  });

  async function allIncidents(
    viewer: Organisation,
    f: Omit<Parameters<ReportingQueries['listIncidents']>[1], 'limit' | 'cursor'> = {},
    limit = 2,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: { updatedAt: Date; id: string } | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await queries.listIncidents(viewer, {
        ...f,
        limit,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((d: IncidentDoc) => d._id));
      if (!page.next) return ids.sort();
      cursor = page.next;
    }
    throw new Error('pagination did not end');
  }

  it('lists incidents a page at a time, only those the viewer may read', async () => {
    expect(await allIncidents(meti)).toEqual(['inc-k1', 'inc-k2', 'inc-s1']);
    expect(await allIncidents(npa)).toEqual(['inc-k2', 'inc-t1']);
    expect(await allIncidents(kantoElectric)).toEqual(['inc-k1', 'inc-k2']);
    expect(await allIncidents(nco, {}, 3)).toEqual(['inc-k1', 'inc-k2', 'inc-s1', 'inc-t1']);
    expect(await allIncidents(sdfCyber)).toEqual([]);
    expect(await allIncidents(oversight)).toEqual([]);
  });

  it('narrows incident lists by operator, sector and open', async () => {
    expect(await allIncidents(setouchiGrid, { operatorId: kantoElectric.id })).toEqual([]);
    expect(await allIncidents(nco, { open: false })).toEqual(['inc-t1']);
    expect(await allIncidents(nco, { operatorId: kantoElectric.id, open: true })).toEqual([
      'inc-k1',
      'inc-k2',
    ]);
    expect(await allIncidents(nco, { sector: 'railways' })).toEqual(['inc-t1']);
    expect(await allIncidents(meti, { sector: 'railways' })).toEqual([]);
  });

  it('assets: the operator, the office and the sector ministry; never the police', async () => {
    const find = (viewer: Organisation) => queries.findAsset(viewer, kantoElectric.id, 'hmi-01');
    expect((await find(kantoElectric))?._id).toBe(`${kantoElectric.id}:hmi-01`);
    expect(await find(nco)).not.toBeNull();
    expect(await find(meti)).not.toBeNull();
    for (const other of [setouchiGrid, npa, sdfCyber, oversight])
      expect(await find(other)).toBeNull();
    expect(await queries.findAsset(meti, tokaiRail.id, 'signal-hmi')).toBeNull();

    const list = async (viewer: Organisation, f: { status?: AssetDoc['status'] } = {}) =>
      (await queries.listAssets(viewer, { ...f, limit: 10 })).items.map((a) => a._id).sort();
    expect(await list(nco, { status: 'retired' })).toEqual([`${kantoElectric.id}:old-plc`]);
    expect(await list(meti)).toEqual([`${kantoElectric.id}:hmi-01`, `${kantoElectric.id}:old-plc`]);
    expect(await list(tokaiRail)).toEqual([`${tokaiRail.id}:signal-hmi`]);
    expect(await list(npa)).toEqual([]);
  });

  it('compliance files: never the police, the ministry only for its sector', async () => {
    const file = (viewer: Organisation, operatorId: string) => queries.findFile(viewer, operatorId);
    expect((await file(kantoElectric, kantoElectric.id))?.orders).toEqual([
      expect.objectContaining({ orderId: 'order-k1', status: 'open' }),
    ]);
    expect(await file(meti, kantoElectric.id)).not.toBeNull();
    expect(await file(meti, tokaiRail.id)).toBeNull();
    expect(await file(setouchiGrid, kantoElectric.id)).toBeNull();
    for (const op of [kantoElectric, setouchiGrid, tokaiRail]) {
      expect(await file(npa, op.id)).toBeNull();
    }
    const setouchi = (await file(nco, setouchiGrid.id)) as ReportingFileDoc;
    expect(setouchi.cases[0]?.status).toBe('concluded');
    expect(setouchi.referrals.map((r) => r.outcome?.fineYen)).toEqual([1_000_000]);
  });

  const byRegime = (jp: number) => ({ 'jp-acd': jp, nis2: 0, circia: 0 });
  const noReferrals = {
    count: 0,
    awaitingOutcome: 0,
    prosecutionDeclined: 0,
    acquitted: 0,
    fined: 0,
    finedYen: 0,
  };
  const courtFine = { ...noReferrals, count: 1, fined: 1, finedYen: 1_000_000 };
  const none = {
    missedDeadlines: 0,
    missedByRegime: byRegime(0),
    openOrders: 0,
    overdueOrders: 0,
    referrals: noReferrals,
    legacyPenalties: { count: 0, totalYen: 0 },
  };
  const kantoRow = {
    operatorId: kantoElectric.id,
    sector: 'electricity',
    openIncidents: 2,
    nextDeadline: {
      incidentId: 'inc-k2',
      deadlineId: 'jp-acd/early-warning',
      regime: 'jp-acd',
      dueAt: at(T0 + 2 * DAY),
    },
    // inc-k2's early warning (due T0+2d) and notification (due T0+4d), not yet recorded missed
    overdueDeadlines: 2,
    ...none,
    missedDeadlines: 1,
    missedByRegime: byRegime(1),
    openOrders: 1,
  };
  const setouchiRow = {
    operatorId: setouchiGrid.id,
    sector: 'electricity',
    openIncidents: 1,
    nextDeadline: {
      incidentId: 'inc-s1',
      deadlineId: 'jp-acd/notification',
      regime: 'jp-acd',
      dueAt: at(T0 + 3 * DAY),
    },
    overdueDeadlines: 1,
    ...none,
    missedDeadlines: 1,
    missedByRegime: byRegime(1),
    referrals: courtFine,
  };
  const tokaiRow = {
    operatorId: tokaiRail.id,
    sector: 'railways',
    openIncidents: 0,
    nextDeadline: null,
    overdueDeadlines: 0,
    ...none,
  };
  const electricity = {
    sector: 'electricity',
    operators: 2,
    openIncidents: 3,
    nextDeadline: { operatorId: kantoElectric.id, ...kantoRow.nextDeadline },
    overdueDeadlines: 3,
    missedDeadlines: 2,
    missedByRegime: byRegime(2),
    openOrders: 1,
    overdueOrders: 0,
    referrals: courtFine,
    legacyPenalties: { count: 0, totalYen: 0 },
  };

  const railways = {
    sector: 'railways',
    operators: 1,
    openIncidents: 0,
    nextDeadline: null,
    overdueDeadlines: 0,
    ...none,
  };

  it('the office sees the board of every operator and sector', async () => {
    expect(await queries.board(nco, NOW)).toEqual({
      operators: [kantoRow, setouchiRow, tokaiRow],
      sectors: [electricity, railways],
    });
  });

  it('a ministry sees its sector, an operator itself, anybody else nothing', async () => {
    expect(await queries.board(meti, NOW)).toEqual({
      operators: [kantoRow, setouchiRow],
      sectors: [electricity],
    });
    const { operatorId: _o, ...setouchiTotals } = setouchiRow;
    expect(await queries.board(setouchiGrid, NOW)).toEqual({
      operators: [setouchiRow],
      sectors: [
        {
          ...setouchiTotals,
          operators: 1,
          nextDeadline: { operatorId: setouchiGrid.id, ...setouchiRow.nextDeadline },
        },
      ],
    });
    for (const viewer of [npa, sdfCyber, oversight]) {
      expect(await queries.board(viewer, NOW)).toEqual({ operators: [], sectors: [] });
    }
  });

  it('counts an order past its due date as overdue', async () => {
    const later = await queries.board(kantoElectric, at(T0 + 11 * DAY));
    expect(later.operators[0]).toMatchObject({ openOrders: 1, overdueOrders: 1 });
  });
});
