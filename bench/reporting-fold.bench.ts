/**
 * How the reporting processor's replay scales with one operator's history. At start and after
 * every rebalance a processor folds its events topic; a reporting file is one aggregate per
 * operator, so a large operator's whole history is one fold. Baseline, in the same run: the
 * indicators processor folding the same number of events spread over many small aggregates.
 * Run: `npm run bench:fold` (no servers needed). Sizes: BENCH_FOLD_SIZES (default 1000,3000,10000).
 */
import { performance } from 'node:perf_hooks';
import {
  applyEnvelope,
  emptyAggregate,
  type Aggregate,
  type CommandContext,
  type Decider,
  type EventEnvelope,
} from '@acd/event-sourcing';
import {
  indicatorDecider,
  indicatorIdFor,
  type IndicatorEvent,
  indicatorProjection,
} from '@acd/indicators';
import {
  incidentProjection,
  reportingFileProjection,
  buildReportingPolicy,
  reportingDecider,
  type ReportingCommand,
  type ReportingEvent,
} from '@acd/reporting';
import { type Projection, type ReadModelDoc } from '@acd/persistence';

const indicatorProjectionErased = indicatorProjection as unknown as Projection<
  IndicatorEvent,
  ReadModelDoc
>;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const reporting = reportingDecider(buildReportingPolicy());
const operator = { orgId: 'op-bench', kind: 'operator', sector: 'finance' };

function envelope<E extends { type: string }>(
  aggregateId: string,
  version: number,
  event: E,
): EventEnvelope<E> {
  return {
    metadata: {
      eventId: `${aggregateId}-${version}`,
      eventType: event.type,
      aggregateId,
      aggregateVersion: version,
      orgId: operator.orgId,
      occurredAt: new Date(T0),
      correlationId: 'bench',
      causationId: `${aggregateId}-cmd-${version}`,
    },
    event,
  };
}

/**
 * One operator opening `n` incidents and filing each early warning (2n events), decided for
 * real; with `close`, each incident then gets its notification and final report (4n events).
 */
function reportingHistory(n: number, close = false): EventEnvelope<ReportingEvent>[] {
  let state = reporting.initialState;
  const out: EventEnvelope<ReportingEvent>[] = [];
  const run = (command: ReportingCommand, now: number) => {
    const ctx: CommandContext = { issuedBy: operator, now: new Date(now) };
    const decision = reporting.decide(command, state, ctx);
    if (!decision.ok) throw new Error(decision.refusal.reason);
    for (const e of decision.events) {
      state = reporting.evolve(state, e);
      out.push(envelope(operator.orgId, out.length + 1, e));
    }
  };
  for (let i = 0; i < n; i++) {
    const at = T0 + i * 60_000;
    run(
      {
        type: 'OpenIncident',
        data: {
          operatorId: operator.orgId,
          incidentId: `inc-${i}`,
          title: `incident ${i}`,
          description: null,
          awareAt: at,
          detectedAt: null,
          firstSeenAt: null,
          impact: 'low',
          status: 'investigating',
          suspectedActor: null,
          affectedAssets: [],
          indicatorIds: [],
          sharedWithPolice: false,
          ransomPaidAt: null,
          orderId: null,
        },
      },
      at,
    );
    const stages = close
      ? (['EARLY_WARNING', 'NOTIFICATION', 'FINAL'] as const)
      : (['EARLY_WARNING'] as const);
    stages.forEach((stage, k) =>
      run(
        {
          type: 'FileReport',
          data: {
            operatorId: operator.orgId,
            incidentId: `inc-${i}`,
            reportId: `r-${i}-${stage}`,
            stage,
            summary: stage,
            impact: null,
            status: null,
            suspectedActor: null,
            affectedAssets: null,
            indicatorIds: null,
            sharedWithPolice: null,
            ransomPaidAt: null,
          },
        },
        at + 1000 * (k + 1),
      ),
    );
  }
  return out;
}

/** What the projector computes for one batch: every event folded into its document. */
function project<E, D extends ReadModelDoc>(
  projection: Projection<E, D>,
  events: EventEnvelope<E>[],
): number {
  const started = performance.now();
  const docs = new Map<string, D>();
  for (const e of events) {
    const id = projection.documentIdOf?.(e) ?? e.metadata.aggregateId;
    if (id === null) continue;
    const after = projection.evolve(docs.get(id) ?? null, e);
    if (after) docs.set(id, after);
  }
  return performance.now() - started;
}

/** The same number of events as `n` indicators each published and sighted once. */
function indicatorHistory(n: number): EventEnvelope<IndicatorEvent>[] {
  const out: EventEnvelope<IndicatorEvent>[] = [];
  for (let i = 0; i < n; i++) {
    const value = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const indicatorId = indicatorIdFor(
      'bench-id-key-'.padEnd(32, '0'),
      operator.orgId,
      'ipv4',
      value,
    );
    const terms = {
      tlp: 'GREEN',
      audience: { orgs: [], sectors: [] },
      confidence: 50,
      validFrom: T0,
      validUntil: null,
      description: null,
      cves: [],
      killChainPhases: [],
      disclosePublisher: false,
    };
    out.push(
      envelope(indicatorId, 1, {
        type: 'IndicatorPublished',
        data: {
          ...terms,
          indicatorId,
          publisherOrgId: operator.orgId,
          publisherSector: 'finance',
          indicatorType: 'ipv4',
          value,
          publishedAt: T0,
        },
      }),
      envelope(indicatorId, 2, {
        type: 'IndicatorSighted',
        data: {
          indicatorId,
          sightedByOrgId: operator.orgId,
          observedAt: T0,
          count: 1,
          note: null,
          recordedAt: T0,
        },
      }),
    );
  }
  return out;
}

/** What a processor's reload does: one aggregate per id, each event through applyEnvelope. */
function fold<C, E, S>(decider: Decider<C, E, S>, events: EventEnvelope<E>[]): number {
  const started = performance.now();
  const aggregates = new Map<string, Aggregate<S>>();
  for (const e of events) {
    const id = e.metadata.aggregateId;
    aggregates.set(
      id,
      applyEnvelope(decider, aggregates.get(id) ?? emptyAggregate(decider.initialState), e),
    );
  }
  return performance.now() - started;
}

const best = (f: () => number) => Math.min(f(), f(), f());

const sizes = (process.env.BENCH_FOLD_SIZES ?? '1000,3000,10000').split(',').map(Number);
const rows = sizes.map((n) => {
  const rep = reportingHistory(n);
  const ind = indicatorHistory(n);
  const reportingMs = best(() => fold(reporting, rep));
  const indicatorMs = best(() => fold(indicatorDecider, ind));
  return {
    incidents: n,
    events: rep.length,
    reportingMs: Math.round(reportingMs),
    reportingPerEventUs: Math.round((1000 * reportingMs) / rep.length),
    indicatorMs: Math.round(indicatorMs),
    ratio: Number((reportingMs / indicatorMs).toFixed(2)),
  };
});
console.log('Replay of one operator (processor reload) beside the indicators baseline:');
console.table(rows);

const projectionRows = sizes.map((n) => {
  const open = reportingHistory(n);
  const closed = reportingHistory(n, true);
  const ind = indicatorHistory(n);
  return {
    incidents: n,
    'file, all open (ms)': Math.round(best(() => project(reportingFileProjection, open))),
    'file, all closed (ms)': Math.round(best(() => project(reportingFileProjection, closed))),
    'incidents (ms)': Math.round(best(() => project(incidentProjection, closed))),
    'closed events': closed.length,
    'baseline: indicators projection, 2n events (ms)': Math.round(
      best(() => project(indicatorProjectionErased, ind)),
    ),
  };
});
console.log('Projection of the same histories (in memory, no database):');
console.table(projectionRows);
