import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import { kafkaSchema, loadConfig } from '@acd/config';
import { SECTORS, TLP_LEVELS, type Sector, type Tlp } from '@acd/identity';
import { createKafka, TopicNames } from '@acd/messaging';
import { BusUnderTest, waitFor, type DemoOrg } from '../support/bus';
import { registerOperators } from '../support/many-operators';
import {
  auditLog,
  busDb,
  recordFigures,
  scenarioTimeout,
  size,
  sleep,
  waitProjected,
} from './support/chaos';
import {
  courseOfActionStixId,
  decodePosition,
  indicatorStixId,
  latestTerms,
  readableStixVersions,
  readsAdvisory,
  readsIndicator,
  readsTerms,
  reportStixId,
  type IndicatorTerms,
  type IssuedAdvisory,
  type PublishedIndicator,
} from './support/entitlement-model';

/**
 * Issue 16, scenario 9: entitlement over HTTP at scale. Random organisations publish indicators
 * and issue advisories under random TLP labels and audiences (some later updated, narrowed,
 * revoked, sighted or withdrawn); then a fast-check property reads the running gateway as random
 * viewers on every read path (by id, lists with filters and cursors followed to the end, counts,
 * the live stream replayed from the beginning, TAXII objects, manifests, versions) and judges
 * every answer by the libs' pure rules applied to what the test itself published.
 *
 * A leak: an answer holds, or counts, an item (or version, or event) the viewer may not read.
 * A miss: a path that promises completeness leaves out one the viewer may read.
 */
const CASES = size('ENTITLEMENT_CASES', 200, 10_000);
const INDICATORS = size('ENTITLEMENT_INDICATORS', 60, 150, 400);
const ADVISORIES = size('ENTITLEMENT_ADVISORIES', 12, 30, 80);
const EXTRA_ORGS = size('ENTITLEMENT_ORGS', 3, 8);
const WORKERS = size('ENTITLEMENT_WORKERS', 4, 6, 4);
const SEED = Number(process.env.ACD_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));

jest.setTimeout(scenarioTimeout(60));

type Body = Record<string, unknown> & { items?: Record<string, unknown>[] };
interface Answer {
  status: number;
  body: Body;
  ms: number;
}

interface Violation {
  path: string;
  viewer: string;
  what: string;
}

/** A small deterministic generator for the seed data (the property has fast-check's own). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => {
    const n = min + int(max - min + 1);
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(int(pool.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, some };
}

describe('scenario 9: entitlement over HTTP at scale', () => {
  let bus: BusUnderTest;
  let kafka: Kafka;
  let topics: TopicNames;
  let orgs: DemoOrg[] = [];
  const indicators: PublishedIndicator[] = [];
  const advisories: IssuedAdvisory[] = [];
  const byStixId = new Map<string, { kind: 'indicator' | 'report' | 'coa'; id: string }>();
  let requests = 0;
  let maxMs = 0;
  const run = randomBytes(3).toString('hex');

  async function call(
    method: string,
    path: string,
    who: DemoOrg,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const t0 = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      let status = 0;
      let text = '';
      try {
        const res = await fetch(`${bus.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${who.token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(60_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = 0;
      }
      requests += 1;
      // A careful client retries what the API says to retry (5xx, 429, network); the property
      // judges answers, and an answer it cannot get is a failure of its own (below).
      if ((status === 0 || status >= 500 || status === 429) && attempt < 5) {
        await sleep(200 * 2 ** attempt);
        continue;
      }
      const ms = Date.now() - t0;
      maxMs = Math.max(maxMs, ms);
      let parsed: Body = {};
      try {
        parsed = text ? (JSON.parse(text) as Body) : {};
      } catch {
        parsed = { text };
      }
      return { status, body: parsed, ms };
    }
  }

  beforeAll(async () => {
    bus = await BusUnderTest.start(
      'ent',
      { ACD_STREAM_HEARTBEAT_MS: '300' },
      { supervised: true, readyTimeoutMs: 300_000 },
    );
    const cfg = loadConfig(kafkaSchema, bus.env);
    kafka = createKafka(cfg, 'chaos-entitlement');
    topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    orgs = [...bus.orgs, ...(await registerOperators(bus, EXTRA_ORGS, 'op-ent'))];
  });
  afterAll(async () => {
    await bus?.stop();
  });

  /** Publishes, updates, revokes, sights, issues and withdraws; returns when all is projected. */
  async function seed(): Promise<void> {
    const r = prng(SEED);
    const sectors = [...new Set(orgs.map((o) => o.sector).filter((s): s is Sector => !!s))];
    const sectorPool: Sector[] = [...sectors, r.pick(SECTORS.filter((s) => !sectors.includes(s)))];
    const ids = orgs.map((o) => o.id);
    const randomTerms = (): IndicatorTerms => {
      const tlp = r.pick(TLP_LEVELS) as Tlp;
      if (tlp === 'RED' || tlp === 'AMBER+STRICT')
        return { tlp, audience: { orgs: r.some(ids, 1, 3), sectors: [] } };
      // CLEAR and GREEN are for everyone without an audience; an audience narrows any label.
      if (tlp !== 'AMBER' && r.next() < 0.4) return { tlp, audience: { orgs: [], sectors: [] } };
      const audience = { orgs: r.some(ids, 0, 3), sectors: r.some(sectorPool, 0, 2) };
      if (audience.orgs.length + audience.sectors.length === 0) audience.orgs = [r.pick(ids)];
      return { tlp, audience };
    };
    const post = async (who: DemoOrg, path: string, body: unknown, key: string) => {
      for (let attempt = 0; ; attempt += 1) {
        const res = await call('POST', path, who, body, { 'idempotency-key': key });
        if (res.status === 409 && attempt < 10) {
          await sleep(300);
          continue;
        }
        return res;
      }
    };
    const inParallel = async <T>(xs: T[], n: number, fn: (x: T, i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: n }, async () => {
          while (next < xs.length) {
            const i = next;
            next += 1;
            await fn(xs[i]!, i);
          }
        }),
      );
    };
    const refused: string[] = [];

    // 1. Indicators, by every kind of organisation.
    const plans = Array.from({ length: INDICATORS }, (_, n) => {
      const type = r.pick(['ipv4', 'domain', 'sha256'] as const);
      const value =
        type === 'ipv4'
          ? `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`
          : type === 'domain'
            ? `i${n}.e${run}.example`
            : createHash('sha256').update(`${run}:${n}`).digest('hex');
      return { publisher: r.pick(orgs), type, value, terms: randomTerms() };
    });
    await inParallel(plans, 8, async (p, n) => {
      const res = await post(
        p.publisher,
        '/v1/indicators',
        { type: p.type, value: p.value, tlp: p.terms.tlp, audience: p.terms.audience },
        `ent-${run}-i${n}`,
      );
      if (res.status !== 201) {
        refused.push(`publish ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return;
      }
      const id = String(res.body.id);
      indicators.push({
        kind: 'indicator',
        id,
        stixId: indicatorStixId(id),
        publisher: p.publisher,
        type: p.type,
        value: p.value,
        steps: [{ version: 1, type: 'IndicatorPublished', terms: p.terms }],
      });
    });
    indicators.sort((a, b) => (a.id < b.id ? -1 : 1));

    // 2. Advisories of the office and the police, some citing indicators.
    const issuers = orgs.filter((o) => o.kind === 'cabinet-office' || o.kind === 'police');
    const kinds = [...new Set(orgs.map((o) => o.kind))];
    await inParallel(
      Array.from({ length: ADVISORIES }, (_, n) => n),
      4,
      async (n) => {
        const issuer = r.pick(issuers);
        const tlp = r.pick(TLP_LEVELS) as Tlp;
        const strict = tlp === 'RED' || tlp === 'AMBER+STRICT';
        const open = tlp === 'CLEAR' || tlp === 'GREEN';
        const audience = {
          everyone: open && r.next() < 0.4,
          sectors: strict ? [] : r.some(sectorPool, 0, 2),
          kinds: strict ? [] : r.some(kinds, 0, 2),
          orgs: r.some(ids, strict ? 1 : 0, 3),
        };
        if (!audience.everyone && audience.sectors.length + audience.kinds.length === 0)
          if (audience.orgs.length === 0) audience.orgs = [r.pick(ids)];
        const cite = r.next() < 0.4 ? r.some(indicators, 1, 2).map((i) => i.id) : [];
        const body = {
          title: `Advisory ${n}`,
          summary: `scenario 9 advisory ${n}`,
          severity: r.pick(['low', 'medium', 'high', 'critical']),
          tlp,
          audience,
          indicatorIds: cite,
          recommendedActions: Array.from({ length: r.int(3) }, (_, i) => `action ${i}`),
          expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        };
        let res = await post(issuer, '/v1/advisories', body, `ent-${run}-a${n}`);
        if ((res.status === 422 || res.status === 400) && cite.length > 0)
          // a cited indicator some reader (or the issuer) may not read: issue it without
          res = await post(
            issuer,
            '/v1/advisories',
            { ...body, indicatorIds: [] },
            `ent-${run}-a${n}b`,
          );
        if (res.status !== 201) {
          refused.push(`advisory ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          return;
        }
        const id = String(res.body.advisoryId);
        advisories.push({
          kind: 'advisory',
          id,
          stixId: reportStixId(id),
          issuer,
          tlp,
          audience,
          severity: body.severity,
          withdrawn: false,
          recommendedActions: body.recommendedActions.length,
          steps: [{ version: 1, type: 'AdvisoryIssued' }],
        });
      },
    );

    // 3. Later changes: updates (narrowing or widening), revocations, sightings, withdrawals.
    await inParallel(indicators, 6, async (ind, n) => {
      const roll = r.next();
      if (roll < 0.3) {
        const terms = randomTerms();
        const res = await post(
          ind.publisher,
          '/v1/indicators',
          { type: ind.type, value: ind.value, tlp: terms.tlp, audience: terms.audience },
          `ent-${run}-u${n}`,
        );
        // 200 updated, or unchanged when the terms drawn are the same (no event, no version)
        const version = Number(res.body.version);
        if (res.status !== 200) refused.push(`update ${res.status} ${JSON.stringify(res.body)}`);
        else if (version > ind.steps[ind.steps.length - 1]!.version)
          ind.steps.push({ version, type: 'IndicatorUpdated', terms });
      } else if (roll < 0.36) {
        const res = await post(
          ind.publisher,
          `/v1/indicators/${ind.id}/revoke`,
          { reason: 'scenario 9' },
          `ent-${run}-r${n}`,
        );
        if (res.status === 200)
          ind.steps.push({
            version: Number(res.body.version),
            type: 'IndicatorRevoked',
            terms: latestTerms(ind),
          });
        else refused.push(`revoke ${res.status}`);
      } else if (roll < 0.44) {
        const readers = orgs.filter((o) => readsIndicator(o, ind));
        const res = await post(
          r.pick(readers),
          `/v1/indicators/${ind.id}/sightings`,
          {},
          `ent-${run}-s${n}`,
        );
        if (res.status === 201)
          ind.steps.push({
            version: Number(res.body.version),
            type: 'IndicatorSighted',
            terms: latestTerms(ind),
          });
        else refused.push(`sighting ${res.status}`);
      }
    });
    for (const [n, adv] of advisories.entries()) {
      if (r.next() >= 0.2) continue;
      const res = await post(
        adv.issuer,
        `/v1/advisories/${adv.id}/withdraw`,
        { reason: 'scenario 9' },
        `ent-${run}-w${n}`,
      );
      if (res.status === 200) {
        adv.withdrawn = true;
        adv.steps.push({ version: Number(res.body.version), type: 'AdvisoryWithdrawn' });
      } else refused.push(`withdraw ${res.status}`);
    }
    for (const i of indicators) {
      byStixId.set(i.stixId, { kind: 'indicator', id: i.id });
    }
    for (const a of advisories) {
      byStixId.set(a.stixId, { kind: 'report', id: a.id });
      for (let k = 0; k < a.recommendedActions; k += 1)
        byStixId.set(courseOfActionStixId(a.id, k), { kind: 'coa', id: a.id });
    }
    if (refused.length > 0) console.warn(`scenario 9 seed: refused ${refused.join('; ')}`);
    expect(refused.filter((x) => !x.startsWith('sighting 409'))).toEqual([]);

    // 4. Projected: every read model has checkpointed the end of both events topics, and each
    // publisher reads its items at their last version.
    const { db, close } = await busDb(bus);
    try {
      for (const topic of [topics.of('indicatorEvents'), topics.of('advisoryEvents')]) {
        const { ends } = await auditLog(kafka, topic, []);
        streamEnds.set(topic === topics.of('indicatorEvents') ? 'indicator' : 'advisory', ends);
        await waitFor(
          `projections of ${topic}`,
          async () => (await db.collection('checkpoints').countDocuments({ topic })) > 0,
          120_000,
          500,
        );
        const projections = (await db
          .collection('checkpoints')
          .distinct('projection', { topic })) as string[];
        for (const p of projections) await waitProjected(db, p, topic, ends, 300_000);
      }
    } finally {
      await close();
    }
    for (const ind of indicators) {
      const last = ind.steps[ind.steps.length - 1]!.version;
      await waitFor(
        `indicator ${ind.id} v${last}`,
        async () => {
          const res = await call('GET', `/v1/indicators/${ind.id}`, ind.publisher);
          if (res.status !== 200 || Number(res.body.version) < last) return false;
          ind.updatedAt = String(res.body.updatedAt);
          return true;
        },
        120_000,
        200,
      );
    }
  }

  const streamEnds = new Map<string, Map<number, bigint>>();
  const leaks: Violation[] = [];
  const misses: Violation[] = [];
  const casesByPath = new Map<string, number>();

  // --------------------------------------------------------------------------------------------
  // the read paths, each judged against the oracle
  // --------------------------------------------------------------------------------------------

  type Pick = (n: number) => number;
  type PathCheck = (viewer: DemoOrg, pick: Pick) => Promise<void>;

  const leak = (path: string, viewer: DemoOrg, what: string): void =>
    void leaks.push({ path, viewer: viewer.id, what });
  const miss = (path: string, viewer: DemoOrg, what: string): void =>
    void misses.push({ path, viewer: viewer.id, what });

  const getIndicator: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/indicators/:id';
    const ghost = pick(10) === 0;
    const ind = indicators[pick(indicators.length)]!;
    const id = ghost ? randomUUID() : ind.id;
    const res = await call('GET', `/v1/indicators/${id}`, viewer);
    const may = !ghost && readsIndicator(viewer, ind);
    if (res.status === 200 && !may) leak(path, viewer, `${id} answered 200`);
    else if (res.status === 200 && res.body.id !== id)
      leak(path, viewer, `${id} answered another item`);
    else if (res.status !== 200 && may) miss(path, viewer, `${id} answered ${res.status}`);
    else if (res.status !== 200 && res.status !== 404)
      miss(path, viewer, `${id} answered ${res.status}, not 404`);
  };

  const citedLeaks = (path: string, viewer: DemoOrg, adv: Body) => {
    for (const cited of (adv.indicatorIds as string[] | undefined) ?? []) {
      const ind = indicators.find((i) => i.id === cited);
      if (!ind || !readsIndicator(viewer, ind))
        leak(path, viewer, `advisory ${String(adv.id)} cites hidden indicator ${cited}`);
    }
    const named = ((adv.audience as { orgs?: string[] } | undefined)?.orgs ?? []).filter(
      (o) => o !== viewer.id,
    );
    const a = advisories.find((x) => x.id === adv.id);
    if (named.length > 0 && a && a.issuer.id !== viewer.id && viewer.kind !== 'cabinet-office')
      leak(path, viewer, `advisory ${String(adv.id)} names co-recipients ${named.join(',')}`);
  };

  const getAdvisory: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/advisories/:id';
    if (advisories.length === 0) return;
    const ghost = pick(10) === 0;
    const adv = advisories[pick(advisories.length)]!;
    const id = ghost ? randomUUID() : adv.id;
    const res = await call('GET', `/v1/advisories/${id}`, viewer);
    const may = !ghost && readsAdvisory(viewer, adv);
    if (res.status === 200 && !may) leak(path, viewer, `${id} answered 200`);
    else if (res.status !== 200 && may) miss(path, viewer, `${id} answered ${res.status}`);
    if (res.status === 200) citedLeaks(path, viewer, res.body);
  };

  /** Follows `next` to the end; returns every item, or null when a page failed. */
  async function pages(viewer: DemoOrg, first: string, path: string): Promise<Body[] | null> {
    const items: Body[] = [];
    let url: string | null = first;
    for (let n = 0; url !== null; n += 1) {
      const res = await call('GET', url, viewer);
      if (res.status !== 200) {
        miss(
          path,
          viewer,
          `${url} answered ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`,
        );
        return null;
      }
      items.push(...((res.body.items as Body[] | undefined) ?? []));
      const next = res.body.next as string | null | undefined;
      if (n > 2_000) {
        miss(path, viewer, `${first}: more than 2,000 pages`);
        return null;
      }
      url = next
        ? `${first}${first.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`
        : null;
    }
    return items;
  }

  const listIndicators: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/indicators';
    const q = new URLSearchParams();
    q.set('limit', String([10, 25, 50, 100, 1000][pick(5)]));
    const probe = indicators[pick(indicators.length)]!;
    const filters: ((i: PublishedIndicator) => boolean)[] = [];
    if (pick(3) === 0) {
      q.set('type', probe.type);
      filters.push((i) => i.type === probe.type);
      if (pick(3) === 0) {
        q.set('value', probe.value);
        filters.push((i) => i.value === probe.value);
      }
    }
    if (pick(3) === 0) {
      const tlp = TLP_LEVELS[pick(TLP_LEVELS.length)]!;
      q.set('tlp', tlp);
      filters.push((i) => latestTerms(i).tlp === tlp);
    }
    if (pick(4) === 0) {
      const sector = probe.publisher.sector ?? 'electricity';
      q.set('sector', sector);
      filters.push((i) => i.publisher.sector === sector);
    }
    let since: number | undefined;
    if (pick(4) === 0 && probe.updatedAt) {
      since = new Date(probe.updatedAt).getTime();
      q.set('updatedSince', probe.updatedAt);
    }
    const items = await pages(viewer, `/v1/indicators?${q.toString()}`, path);
    if (!items) return;
    const seen = new Set<string>();
    for (const item of items) {
      const ind = indicators.find((i) => i.id === item.id);
      if (!ind || !readsIndicator(viewer, ind))
        leak(path, viewer, `${String(item.id)} listed (${q})`);
      else if (!filters.every((f) => f(ind)))
        leak(path, viewer, `${ind.id} outside the filter (${q})`);
      seen.add(String(item.id));
    }
    for (const ind of indicators) {
      if (!readsIndicator(viewer, ind) || !filters.every((f) => f(ind))) continue;
      if (since !== undefined && new Date(ind.updatedAt ?? 0).getTime() < since) continue;
      if (!seen.has(ind.id)) miss(path, viewer, `${ind.id} not listed (${q})`);
    }
  };

  const listAdvisories: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/advisories';
    const q = new URLSearchParams();
    q.set('limit', String([5, 20, 100][pick(3)]));
    const filters: ((a: IssuedAdvisory) => boolean)[] = [];
    if (pick(3) === 0) {
      const severity = ['low', 'medium', 'high', 'critical'][pick(4)]!;
      q.set('severity', severity);
      filters.push((a) => a.severity === severity);
    }
    const state = pick(4);
    if (state === 1) {
      q.set('status', 'withdrawn');
      filters.push((a) => a.withdrawn);
    } else if (state === 2) {
      q.set('inForce', 'true');
      filters.push((a) => !a.withdrawn);
    } else if (state === 3) {
      q.set('status', 'active');
      filters.push((a) => !a.withdrawn);
    }
    const items = await pages(viewer, `/v1/advisories?${q.toString()}`, path);
    if (!items) return;
    const seen = new Set<string>();
    for (const item of items) {
      const adv = advisories.find((a) => a.id === item.id);
      if (!adv || !readsAdvisory(viewer, adv))
        leak(path, viewer, `${String(item.id)} listed (${q})`);
      else if (!filters.every((f) => f(adv)))
        leak(path, viewer, `${adv.id} outside the filter (${q})`);
      citedLeaks(path, viewer, item);
      seen.add(String(item.id));
    }
    for (const adv of advisories)
      if (readsAdvisory(viewer, adv) && filters.every((f) => f(adv)) && !seen.has(adv.id))
        miss(path, viewer, `${adv.id} not listed (${q})`);
  };

  const countIndicators: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/aggregates/indicators';
    const days = [2, 7, 30, 366][pick(4)]!;
    const res = await call('GET', `/v1/aggregates/indicators?days=${days}`, viewer);
    if (res.status !== 200) return miss(path, viewer, `answered ${res.status}`);
    const readable = indicators.filter((i) => readsIndicator(viewer, i));
    const expected = {
      total: new Map([['total', readable.length]]),
      revoked: new Map([
        [
          'revoked',
          readable.filter((i) => i.steps.some((s) => s.type === 'IndicatorRevoked')).length,
        ],
      ]),
      byTlp: new Map<string, number>(),
      byType: new Map<string, number>(),
      bySector: new Map<string, number>(),
    };
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const i of readable) {
      add(expected.byTlp, latestTerms(i).tlp);
      add(expected.byType, i.type);
      add(expected.bySector, String(i.publisher.sector ?? null));
    }
    const got = {
      total: new Map([['total', Number(res.body.total)]]),
      revoked: new Map([['revoked', Number(res.body.revoked)]]),
      byTlp: new Map(
        (res.body.byTlp as { tlp: string; count: number }[]).map((x) => [x.tlp, x.count]),
      ),
      byType: new Map(
        (res.body.byType as { type: string; count: number }[]).map((x) => [x.type, x.count]),
      ),
      bySector: new Map(
        (res.body.bySector as { sector: string | null; count: number }[]).map((x) => [
          String(x.sector),
          x.count,
        ]),
      ),
    };
    for (const dim of Object.keys(expected) as (keyof typeof expected)[]) {
      const keys = new Set([...expected[dim].keys(), ...got[dim].keys()]);
      for (const k of keys) {
        const e = expected[dim].get(k) ?? 0;
        const g = got[dim].get(k) ?? 0;
        if (g > e) leak(path, viewer, `${dim} ${k}: counted ${g}, may read ${e}`);
        if (g < e) miss(path, viewer, `${dim} ${k}: counted ${g}, may read ${e}`);
      }
    }
  };

  const countAdvisories: PathCheck = async (viewer) => {
    const path = 'GET /v1/aggregates/advisories';
    const res = await call('GET', '/v1/aggregates/advisories', viewer);
    if (res.status !== 200) return miss(path, viewer, `answered ${res.status}`);
    const items = (res.body.items as { advisoryId: string }[] | undefined) ?? [];
    const seen = new Set(items.map((x) => x.advisoryId));
    const office = viewer.kind === 'cabinet-office';
    for (const id of seen) {
      const adv = advisories.find((a) => a.id === id);
      if (!adv || !readsAdvisory(viewer, adv)) leak(path, viewer, `${id} counted`);
      else if (!office && adv.issuer.id !== viewer.id)
        leak(path, viewer, `${id}: acknowledgements shown to a reader that is not the issuer`);
    }
    if (res.body.truncated === true) return;
    for (const adv of advisories)
      if (
        !adv.withdrawn &&
        readsAdvisory(viewer, adv) &&
        (office || adv.issuer.id === viewer.id) &&
        !seen.has(adv.id)
      )
        miss(path, viewer, `${adv.id} not counted`);
  };

  const stream: PathCheck = async (viewer, pick) => {
    const path = 'GET /v1/stream';
    const kinds = [['indicator'], ['advisory'], ['indicator', 'advisory']][pick(3)]!;
    const ends = new Map(kinds.map((k) => [k, streamEnds.get(k)!]));
    const reached = (id: string | undefined) => {
      const pos = id ? decodePosition(id) : null;
      if (!pos) return false;
      for (const [kind, end] of ends)
        for (const [p, off] of end) if (BigInt(pos[kind]?.[p] ?? 0) < off) return false;
      return true;
    };
    const events: { kind: string; id: string; type: string; version: number; data: Body }[] = [];
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 60_000);
    let lastId: string | undefined;
    let status = 0;
    try {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const res = await fetch(`${bus.base}/v1/stream?from=beginning&kinds=${kinds.join(',')}`, {
          headers: { authorization: `Bearer ${viewer.token}` },
          signal: abort.signal,
        });
        requests += 1;
        status = res.status;
        if (status === 429 || status === 503) {
          await res.body?.cancel();
          await sleep(500);
          continue;
        }
        if (status !== 200) break;
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) lastId = line.slice(3).trim();
              else if (line.startsWith('data:')) data += line.slice(5).replace(/^ /, '');
            }
            if (data) events.push(JSON.parse(data) as (typeof events)[number]);
          }
          if (reached(lastId)) break;
        }
        break;
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    if (status !== 200) return miss(path, viewer, `answered ${status}`);
    if (!reached(lastId)) miss(path, viewer, `did not reach the end of ${kinds} in 60 s`);
    const seen = new Set<string>();
    for (const e of events) {
      seen.add(`${e.kind}:${e.id}:${e.version}`);
      if (e.kind === 'indicator') {
        const ind = indicators.find((i) => i.id === e.id);
        const step = ind?.steps.find((s) => s.version === e.version);
        if (!ind || !step || !readsTerms(viewer, ind.publisher, step.terms))
          leak(path, viewer, `${e.type} ${e.id} v${e.version}`);
        if (e.type === 'IndicatorSighted' && JSON.stringify(e.data).includes('"orgId"'))
          leak(path, viewer, `sighting ${e.id} names the sighting organisation`);
      } else if (e.kind === 'advisory') {
        const adv = advisories.find((a) => a.id === e.id);
        if (!adv || !readsAdvisory(viewer, adv))
          leak(path, viewer, `${e.type} ${e.id} v${e.version}`);
        else if (e.data && typeof e.data === 'object') {
          const d = e.data as Body;
          citedLeaks(path, viewer, { ...d, id: e.id });
        }
      } else leak(path, viewer, `an event of kind ${e.kind}`);
    }
    if (reached(lastId)) {
      if (kinds.includes('indicator'))
        for (const ind of indicators)
          for (const s of ind.steps)
            if (
              readsTerms(viewer, ind.publisher, s.terms) &&
              !seen.has(`indicator:${ind.id}:${s.version}`)
            )
              miss(path, viewer, `${s.type} ${ind.id} v${s.version} not streamed`);
      if (kinds.includes('advisory'))
        for (const adv of advisories)
          for (const s of adv.steps)
            if (readsAdvisory(viewer, adv) && !seen.has(`advisory:${adv.id}:${s.version}`))
              miss(path, viewer, `${s.type} ${adv.id} v${s.version} not streamed`);
    }
  };

  const TAXII = '/taxii2/api/collections';
  /** Objects or manifest rows of a collection as `viewer`, every page until `more` is false. */
  async function taxiiAll(viewer: DemoOrg, first: string, path: string): Promise<Body[] | null> {
    const out: Body[] = [];
    let url = first;
    for (let n = 0; ; n += 1) {
      const res = await call('GET', url, viewer, undefined, {
        accept: 'application/taxii+json;version=2.1',
      });
      if (res.status !== 200) {
        miss(path, viewer, `${url} answered ${res.status}`);
        return null;
      }
      out.push(...((res.body.objects ?? res.body.versions ?? []) as Body[]));
      if (res.body.more !== true) return out;
      if (n > 2_000 || typeof res.body.next !== 'string') {
        miss(path, viewer, `${first}: more without next, or over 2,000 pages`);
        return null;
      }
      url = `${first}${first.includes('?') ? '&' : '?'}next=${encodeURIComponent(res.body.next)}`;
    }
  }

  const taxiiList =
    (manifest: boolean): PathCheck =>
    async (viewer, pick) => {
      const path = `GET ${TAXII}/{id}/${manifest ? 'manifest' : 'objects'}/`;
      const q = new URLSearchParams();
      q.set('limit', String([10, 50, 100, 1000][pick(4)]));
      if (pick(2) === 0) {
        const version = ['last', 'first', 'all'][pick(3)]!;
        q.set('match[version]', version);
      }
      const version = q.get('match[version]') ?? 'last';
      const collection = pick(3) === 0 ? 'advisories' : 'indicators';
      const rows = await taxiiAll(
        viewer,
        `${TAXII}/${collection}/${manifest ? 'manifest' : 'objects'}/?${q}`,
        path,
      );
      if (!rows) return;
      const count = new Map<string, number>();
      for (const row of rows) {
        const stix = String(row.id);
        count.set(stix, (count.get(stix) ?? 0) + 1);
        const known = byStixId.get(stix);
        if (!known) {
          leak(path, viewer, `${collection}: unknown object ${stix}`);
          continue;
        }
        if (known.kind === 'indicator') {
          const ind = indicators.find((i) => i.id === known.id)!;
          if (!readsIndicator(viewer, ind))
            leak(path, viewer, `${collection}: indicator ${ind.id}`);
        } else {
          const adv = advisories.find((a) => a.id === known.id)!;
          if (!readsAdvisory(viewer, adv))
            leak(path, viewer, `${collection}: advisory ${adv.id} (${known.kind})`);
          if (!manifest && known.kind === 'report')
            for (const ref of (row.object_refs as string[] | undefined) ?? []) {
              const target = byStixId.get(ref);
              if (target?.kind === 'indicator') {
                const ind = indicators.find((i) => i.id === target.id)!;
                if (!readsIndicator(viewer, ind))
                  leak(path, viewer, `report ${adv.id} refers to hidden indicator ${ind.id}`);
              }
            }
        }
      }
      if (collection === 'indicators') {
        for (const ind of indicators) {
          const readable =
            version === 'all'
              ? readableStixVersions(viewer, ind)
              : readsIndicator(viewer, ind)
                ? 1
                : 0;
          const got = count.get(ind.stixId) ?? 0;
          if (got > readable)
            leak(path, viewer, `indicator ${ind.id}: ${got} versions, may read ${readable} (${q})`);
          if (got < readable)
            miss(path, viewer, `indicator ${ind.id}: ${got} versions, may read ${readable} (${q})`);
        }
      } else {
        for (const adv of advisories)
          if (readsAdvisory(viewer, adv) && !count.has(adv.stixId))
            miss(path, viewer, `advisory ${adv.id} absent (${q})`);
      }
    };

  const taxiiObject: PathCheck = async (viewer, pick) => {
    const versions = pick(2) === 0;
    const path = `GET ${TAXII}/{id}/objects/{objectId}/${versions ? 'versions/' : ''}`;
    const useAdvisory = advisories.length > 0 && pick(4) === 0;
    const ghost = pick(10) === 0;
    const target = useAdvisory
      ? advisories[pick(advisories.length)]!
      : indicators[pick(indicators.length)]!;
    const stix = ghost ? `indicator--${randomUUID()}` : target.stixId;
    const collection = useAdvisory && !ghost ? 'advisories' : 'indicators';
    const url = `${TAXII}/${collection}/objects/${stix}/${versions ? 'versions/' : '?match[version]=all'}`;
    const res = await call('GET', url, viewer, undefined, {
      accept: 'application/taxii+json;version=2.1',
    });
    const may = ghost
      ? 0
      : target.kind === 'indicator'
        ? readableStixVersions(viewer, target)
        : readsAdvisory(viewer, target)
          ? 1
          : 0;
    if (res.status === 200) {
      const got = versions
        ? ((res.body.versions as unknown[] | undefined) ?? []).length
        : ((res.body.objects as Body[] | undefined) ?? []).filter((o) => o.id === stix).length;
      if (got > may) leak(path, viewer, `${stix}: ${got} versions, may read ${may}`);
      if (got < may && res.body.more !== true)
        miss(path, viewer, `${stix}: ${got} versions, may read ${may}`);
    } else if (may > 0) miss(path, viewer, `${stix} answered ${res.status}`);
    else if (res.status !== 404) miss(path, viewer, `${stix} answered ${res.status}, not 404`);
  };

  const PATHS: [string, number, PathCheck][] = [
    ['GET /v1/indicators/:id', 20, getIndicator],
    ['GET /v1/advisories/:id', 10, getAdvisory],
    ['GET /v1/indicators', 14, listIndicators],
    ['GET /v1/advisories', 8, listAdvisories],
    ['GET /v1/aggregates/indicators', 8, countIndicators],
    ['GET /v1/aggregates/advisories', 6, countAdvisories],
    ['GET /v1/stream', 3, stream],
    ['TAXII objects', 6, taxiiList(false)],
    ['TAXII manifest', 4, taxiiList(true)],
    ['TAXII object and versions', 12, taxiiObject],
  ];

  it('no answer on any read path holds or counts what its viewer may not read, over random items, viewers and paths', async () => {
    const t0 = Date.now();
    await seed();
    const seededMs = Date.now() - t0;
    const requestsBefore = requests;
    maxMs = 0;
    const weighted = PATHS.flatMap(([name, w, check]) =>
      Array.from({ length: w }, () => [name, check] as const),
    );
    const t1 = Date.now();
    // WORKERS clients run the property side by side, each its own share of the cases and its
    // own seed, as concurrent readers of one gateway would.
    await Promise.all(
      Array.from({ length: WORKERS }, (_, w) =>
        fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...orgs),
            fc.constantFrom(...weighted),
            fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
            async (viewer, [name, check], nats) => {
              let k = 0;
              const pick: Pick = (n) => (n <= 0 ? 0 : nats[k++ % nats.length]! % n);
              casesByPath.set(name, (casesByPath.get(name) ?? 0) + 1);
              await check(viewer, pick);
              return true;
            },
          ),
          {
            numRuns: Math.ceil(CASES / WORKERS),
            seed: SEED + w,
            endOnFailure: true,
          },
        ),
      ),
    );
    const propertyMs = Date.now() - t1;
    const propertyRequests = requests - requestsBefore;
    const count = (vs: Violation[]) => {
      const m = new Map<string, number>();
      for (const v of vs) m.set(v.path, (m.get(v.path) ?? 0) + 1);
      return [...m].map(([p, n]) => `${p}×${n}`).join(' ') || 0;
    };
    recordFigures('9 entitlement over HTTP', {
      seed: SEED,
      organisations: orgs.length,
      indicators: indicators.length,
      'indicator versions': indicators.reduce((n, i) => n + i.steps.length, 0),
      advisories: advisories.length,
      'seed and settle (s)': Math.round(seededMs / 1000),
      cases: [...casesByPath.values()].reduce((a, b) => a + b, 0),
      'concurrent clients': WORKERS,
      requests: propertyRequests,
      'requests/s': Math.round(propertyRequests / (propertyMs / 1000)),
      'max request (ms)': maxMs,
      'paths covered': `${[...casesByPath.keys()].length} of ${PATHS.length}`,
      'cases per path': [...casesByPath].map(([p, n]) => `${p}×${n}`).join(', '),
      leaks: leaks.length,
      'leaks by path': count(leaks),
      misses: misses.length,
      'misses by path': count(misses),
    });
    if (leaks.length > 0)
      console.error(`leaks (first 30):\n${JSON.stringify(leaks.slice(0, 30), null, 1)}`);
    if (misses.length > 0)
      console.error(`misses (first 30):\n${JSON.stringify(misses.slice(0, 30), null, 1)}`);
    expect([...casesByPath.keys()].sort()).toEqual(PATHS.map(([p]) => p).sort());
    expect(leaks.slice(0, 10)).toEqual([]);
    expect(misses.slice(0, 10)).toEqual([]);
  });
});
