import type { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { eventIdFor, type CommandContext, type EventEnvelope } from '@acd/event-sourcing';
import { DEMO_ORGS } from '@acd/identity';
import {
  createOversightDecider,
  OVERSIGHT_SCHEDULER_ISSUER,
  type OversightCommand,
  type OversightEvent,
  type OversightState,
  CollectionAuthorisationLookup,
  oversightRequestProjection,
  OversightQueries,
  type OversightRequestDoc,
} from '@acd/oversight';
import { applyEvents, connectMongo, isFerretDb } from '@acd/persistence';
import { getTestEnv, randomId, withDatabase } from '@acd/testing';

jest.setTimeout(120_000);

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-11-22T00:00:00Z');
const { nco, npa, sdfCyber, nihonTelecom, oversight, kantoElectric } = DEMO_ORGS;
const MEMBERS = ['member-1', 'member-2', 'member-3', 'member-4', 'member-5'];
const decider = createOversightDecider({
  members: MEMBERS,
  quorum: 3,
  emergencyNotifyWithin: 'PT24H',
});

const issuer = (o: { id: string; kind: string }) => ({ orgId: o.id, kind: o.kind, sector: null });

/** One request's history, built through the real decider, as the processor would store it. */
class RequestHistory {
  state: OversightState = decider.initialState;
  readonly envelopes: EventEnvelope<OversightEvent>[] = [];
  private commands = 0;

  constructor(readonly requestId: string) {}

  run(command: OversightCommand, issuedBy: CommandContext['issuedBy'], t: number): this {
    const decision = decider.decide(command, this.state, { issuedBy, now: new Date(t) });
    if (!decision.ok) throw new Error(JSON.stringify(decision.refusal));
    const causationId = `${this.requestId}-cmd-${(this.commands += 1)}`;
    decision.events.forEach((event, i) => {
      this.state = decider.evolve(this.state, event);
      this.envelopes.push({
        metadata: {
          eventId: eventIdFor(causationId, i, this.requestId),
          eventType: event.type,
          aggregateId: this.requestId,
          aggregateVersion: this.envelopes.length + 1,
          orgId: issuedBy.orgId,
          occurredAt: new Date(t),
          correlationId: causationId,
          causationId,
        },
        event,
      });
    });
    return this;
  }

  votes(choices: ('approve' | 'deny')[], t: number): this {
    choices.forEach((vote, i) =>
      this.run(
        {
          type: 'CastVote',
          data: { requestId: this.requestId, memberId: MEMBERS[i] ?? null, vote, reason: null },
        },
        issuer(oversight),
        t,
      ),
    );
    return this;
  }
}

const collection = (id: string, telecomId: string, validFrom: number, validUntil: number) =>
  new RequestHistory(id).run(
    {
      type: 'RequestCollectionAuthorisation',
      data: {
        requestId: id,
        telecomId,
        categories: ['addresses', 'ports'],
        validFrom,
        validUntil,
        justification: 'Botnet traffic transiting Japan',
      },
    },
    issuer(nco),
    T0,
  );

const operation = (id: string, agency: { id: string; kind: string }) =>
  new RequestHistory(id).run(
    {
      type: 'RequestOperationAuthorisation',
      data: {
        requestId: id,
        target: { type: 'ip', value: '198.51.100.7', country: 'JP' },
        justification: 'C2 server',
        evidence: [{ type: 'indicator', id: 'ind-1' }],
        measures: ['access', 'disable-malware'],
        validFrom: T0,
        validUntil: T0 + 7 * DAY,
        // The SDF act on the Prime Minister's order; the police carry none.
        primeMinisterOrder:
          agency.kind === 'sdf'
            ? { givenAt: T0 - DAY, grounds: 'Organised attack from abroad', reference: null }
            : null,
        attestation: { belowArmedAttackThreshold: true, justification: null },
      },
    },
    issuer(agency),
    T0,
  );

function histories(): RequestHistory[] {
  const live = collection('col-live', nihonTelecom.id, T0, T0 + 30 * DAY).votes(
    ['approve', 'approve', 'deny'],
    T0 + H,
  );
  const later = collection('col-later', nihonTelecom.id, T0 + 40 * DAY, T0 + 60 * DAY).votes(
    ['approve', 'approve', 'approve'],
    T0 + H,
  );
  const pending = collection('col-pending', nihonTelecom.id, T0, T0 + 30 * DAY).votes(
    ['approve'],
    T0 + H,
  );
  const denied = collection('col-denied', 'tel-other', T0, T0 + 30 * DAY).votes(
    ['deny', 'deny', 'deny'],
    T0 + H,
  );
  const police = operation('op-police', npa)
    .votes(['approve', 'approve', 'approve'], T0 + H)
    .run(
      {
        type: 'ExecuteOperation',
        data: {
          requestId: 'op-police',
          target: '198.51.100.7',
          startedAt: T0 + 2 * H,
          endedAt: T0 + 3 * H,
          outcome: 'succeeded',
          summary: 'done',
          measuresTaken: ['access'],
          emergencyReason: null,
        },
      },
      issuer(npa),
      T0 + 4 * H,
    )
    .run(
      { type: 'ReportOperation', data: { requestId: 'op-police', summary: 'report' } },
      issuer(npa),
      T0 + 5 * H,
    );
  const sdf = operation('op-sdf', sdfCyber).run(
    {
      type: 'ExecuteOperation',
      data: {
        requestId: 'op-sdf',
        target: '198.51.100.7',
        startedAt: T0 + H,
        endedAt: T0 + 2 * H,
        outcome: 'partially-succeeded',
        summary: 'acted in an emergency',
        measuresTaken: ['access'],
        emergencyReason: 'no time',
      },
    },
    issuer(sdfCyber),
    T0 + 2 * H,
  );
  sdf.run(
    { type: 'MarkEmergencyNotificationMissed', data: { requestId: 'op-sdf' } },
    { ...OVERSIGHT_SCHEDULER_ISSUER },
    T0 + 27 * H,
  );
  return [live, later, pending, denied, police, sdf];
}

describe('the oversight read model on the real MongoDB-compatible server', () => {
  let conn: MongoClient;
  let db: Db;
  let queries: OversightQueries;
  let lookup: CollectionAuthorisationLookup;
  const envelopes = histories().flatMap((h) => h.envelopes);

  beforeAll(async () => {
    const env = getTestEnv();
    conn = await connectMongo(withDatabase(env.mongoUri, `${env.mongoDbName}_ovs${randomId(6)}`));
    db = conn.db();
    const coll = db.collection<OversightRequestDoc>(oversightRequestProjection.collection);
    if (!(await isFerretDb(db))) await oversightRequestProjection.createIndexes(coll);
    const half = Math.floor(envelopes.length / 2);
    await applyEvents(oversightRequestProjection, coll, envelopes.slice(0, half));
    await applyEvents(oversightRequestProjection, coll, envelopes.slice(half));
    queries = new OversightQueries(db);
    lookup = new CollectionAuthorisationLookup(db);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it("writes the collection 'oversight-requests', one document per request, dates as dates", async () => {
    expect(oversightRequestProjection.collection).toBe('oversight-requests');
    expect(await db.collection('oversight-requests').countDocuments()).toBe(6);
    const doc = await queries.findVisible(oversight, 'col-live');
    expect(doc).toMatchObject({
      kind: 'collection',
      status: 'approved',
      telecomId: nihonTelecom.id,
      categories: ['addresses', 'ports'],
      approvals: 2,
      denials: 1,
      version: 5,
    });
    expect(doc?.validFrom).toBeInstanceOf(Date);
    expect(doc?.validUntil).toEqual(new Date(T0 + 30 * DAY));
  });

  it('the traffic edge finds exactly the approved authorisation in force for a telecom', async () => {
    const live = await lookup.liveFor(nihonTelecom.id, new Date(T0 + DAY));
    expect(live).toEqual({
      requestId: 'col-live',
      telecomId: nihonTelecom.id,
      categories: ['addresses', 'ports'],
      validFrom: new Date(T0),
      validUntil: new Date(T0 + 30 * DAY),
    });
    // Expired at validUntil; the later one once it begins; nothing between; never a denied one.
    expect(await lookup.liveFor(nihonTelecom.id, new Date(T0 + 30 * DAY))).toBeNull();
    expect((await lookup.liveFor(nihonTelecom.id, new Date(T0 + 45 * DAY)))?.requestId).toBe(
      'col-later',
    );
    expect(await lookup.liveFor(nihonTelecom.id, new Date(T0 - 1))).toBeNull();
    expect(await lookup.liveFor('tel-other', new Date(T0 + DAY))).toBeNull();
  });

  it('operations carry their stage, execution, report and emergency', async () => {
    expect(await queries.findVisible(oversight, 'op-police')).toMatchObject({
      kind: 'operation',
      status: 'approved',
      stage: 'reported',
      execution: { measuresTaken: ['access'], emergency: false },
      report: { summary: 'report' },
      primeMinisterOrder: null,
      attestation: { belowArmedAttackThreshold: true, justification: null },
    });
    const sdf = await queries.findVisible(oversight, 'op-sdf');
    expect(sdf).toMatchObject({
      status: 'pending',
      stage: 'executed',
      // The order round-trips the store with its time as a Date.
      primeMinisterOrder: { givenAt: new Date(T0 - DAY), grounds: 'Organised attack from abroad' },
    });
    expect(sdf?.emergency).toMatchObject({
      reason: 'no time',
      notifyBy: new Date(T0 + 25 * H),
      missedAt: new Date(T0 + 27 * H),
      notifiedAt: null,
    });
  });

  it('each viewer lists and finds only what the policy lets it read', async () => {
    const ids = async (viewer: typeof nco, kind?: 'collection' | 'operation') =>
      (await queries.list(viewer, { limit: 100, ...(kind ? { kind } : {}) })).items
        .map((d) => d._id)
        .sort();
    expect(await ids(oversight)).toHaveLength(6);
    expect(await ids(npa)).toEqual(['op-police']);
    expect(await ids(sdfCyber)).toEqual(['op-sdf']);
    expect(await ids(nco)).toEqual(['col-denied', 'col-later', 'col-live', 'col-pending']);
    expect(await ids(nco, 'operation')).toEqual([]);
    expect(await ids(nihonTelecom)).toEqual(['col-later', 'col-live']);
    expect(await ids(kantoElectric)).toEqual([]);
    expect(await queries.findVisible(sdfCyber, 'op-police')).toBeNull();
    expect(await queries.findVisible(nihonTelecom, 'col-pending')).toBeNull();
    expect(await queries.board(npa)).toBeNull();
  });

  it("the commission's board: pending, approved, operations", async () => {
    const board = await queries.board(oversight);
    expect(board?.pending.map((d) => d._id).sort()).toEqual(['col-pending', 'op-sdf']);
    expect(board?.approved.map((d) => d._id).sort()).toEqual([
      'col-later',
      'col-live',
      'op-police',
    ]);
    expect(board?.operations.map((d) => d._id).sort()).toEqual(['op-police', 'op-sdf']);
  });

  it('a replay of events already applied changes nothing', async () => {
    const coll = db.collection<OversightRequestDoc>(oversightRequestProjection.collection);
    const before = await coll.find({}).sort({ _id: 1 }).toArray();
    const result = await applyEvents(oversightRequestProjection, coll, envelopes);
    expect(result).toMatchObject({ applied: 0, written: 0, skipped: envelopes.length });
    expect(await coll.find({}).sort({ _id: 1 }).toArray()).toEqual(before);
  });
});
