import fc from 'fast-check';
import { annualFigures, figureDifferences, yearInJapan, type OversightFact } from './annual-report';
import { OPERATION_MEASURES } from './oversight.events';

const H = 3_600_000;
const DAY = 24 * H;
const JAN1_2026_JST = Date.parse('2025-12-31T15:00:00Z');

const fact = (type: string, occurredAt: number, data: Record<string, unknown>): OversightFact => ({
  type,
  occurredAt,
  data,
});

describe('the year in Japan', () => {
  it('runs from 1 January 00:00 JST to the next, whatever the UTC date', () => {
    expect(yearInJapan(2026)).toEqual({
      from: JAN1_2026_JST,
      to: Date.parse('2026-12-31T15:00:00Z'),
    });
  });
});

describe('annual figures, given/when/then', () => {
  const t = JAN1_2026_JST + 10 * DAY;
  const operation = (id: string, at: number, over: Record<string, unknown> = {}) =>
    fact('OperationAuthorisationRequested', at, {
      requestId: id,
      agencyId: 'gov-npa',
      agencyKind: 'police',
      target: { type: 'ip', value: '198.51.100.7', country: 'JP' },
      emergencyReason: null,
      ...over,
    });
  const executed = (id: string, at: number, over: Record<string, unknown> = {}) =>
    fact('OperationExecuted', at, {
      requestId: id,
      agencyId: 'gov-npa',
      outcome: 'succeeded',
      measuresTaken: ['access', 'disable-malware'],
      emergency: false,
      ...over,
    });

  it('counts a December request decided in January as a request of one year and a decision of the next', () => {
    const facts = [
      fact('CollectionAuthorisationRequested', JAN1_2026_JST - DAY, {
        requestId: 'c1',
        requesterKind: 'cabinet-office',
      }),
      fact('VoteCast', JAN1_2026_JST + H, { requestId: 'c1' }),
      fact('RequestApproved', JAN1_2026_JST + H, { requestId: 'c1' }),
    ];
    const y2025 = annualFigures(2025, facts);
    const y2026 = annualFigures(2026, facts);
    expect(y2025.requests.collection).toBe(1);
    expect(y2025.decisions.pendingAtYearEnd).toBe(1);
    expect(y2025.decisions.approved.collection).toBe(0);
    expect(y2026.requests.collection).toBe(0);
    expect(y2026.decisions.approved.collection).toBe(1);
    expect(y2026.decisions.votesCast).toBe(1);
    expect(y2026.decisions.pendingAtYearEnd).toBe(0);
  });

  it('counts executions by agency, measure, outcome, and abroad', () => {
    const facts = [
      operation('o1', t),
      operation('o2', t, {
        agencyId: 'gov-sdf',
        agencyKind: 'sdf',
        target: { type: 'domain', value: 'c2.example', country: 'US' },
      }),
      executed('o1', t + H),
      executed('o2', t + H, { agencyId: 'gov-sdf', measuresTaken: ['access'], outcome: 'failed' }),
      fact('OperationReported', t + 2 * H, { requestId: 'o1' }),
    ];
    const y = annualFigures(2026, facts);
    expect(y.operations).toMatchObject({
      executed: 2,
      byAgency: { police: 1, sdf: 1 },
      abroad: 1,
      reported: 1,
    });
    expect(y.operations.byMeasure).toEqual({
      access: 2,
      'collect-evidence': 0,
      'disable-malware': 1,
      'block-c2-communication': 0,
      'take-down': 0,
    });
    expect(y.operations.byOutcome).toMatchObject({ succeeded: 1, failed: 1 });
  });

  it('classifies each emergency execution of the year: on time, late, missed, outstanding', () => {
    const emergency = { emergency: true };
    const facts = [
      ...['e1', 'e2', 'e3', 'e4'].map((id) => operation(id, t, { emergencyReason: 'no time' })),
      ...['e1', 'e2', 'e3', 'e4'].map((id) => executed(id, t, emergency)),
      fact('CommissionNotified', t + H, { requestId: 'e1', late: false }),
      fact('EmergencyNotificationMissed', t + DAY, { requestId: 'e2' }),
      fact('CommissionNotified', t + 2 * DAY, { requestId: 'e2', late: true }),
      fact('EmergencyNotificationMissed', t + DAY, { requestId: 'e3' }),
    ];
    const y = annualFigures(2026, facts);
    expect(y.requests.emergency).toBe(4);
    expect(y.emergencyNotifications).toEqual({
      executed: 4,
      onTime: 1,
      late: 1,
      missed: 1,
      outstanding: 1,
    });
  });

  it("counts the commission's inspections, recommendations and demands", () => {
    const a = { agencyId: 'gov-npa' };
    const facts = [
      fact('InspectionOpened', t, { ...a, inspectionId: 'i1' }),
      fact('InspectionOpened', t, { ...a, inspectionId: 'i2' }),
      fact('InspectionConcluded', t + DAY, {
        ...a,
        inspectionId: 'i1',
        conclusion: 'issues-found',
      }),
      fact('RecommendationIssued', t + DAY, { ...a, recommendationId: 'r1' }),
      fact('RecommendationAnswered', t + 2 * DAY, { ...a, recommendationId: 'r1' }),
      fact('DisciplinaryActionDemanded', t + DAY, { ...a, demandId: 'd1' }),
    ];
    expect(annualFigures(2026, facts).supervision).toEqual({
      inspectionsOpened: 2,
      inspectionsConcluded: { 'no-issues': 0, 'issues-found': 1 },
      recommendationsIssued: 1,
      recommendationsAnswered: 1,
      disciplinaryDemands: 1,
      disciplinaryActionsReported: 0,
    });
  });
});

// ---------------------------------------------------------------- properties

/** A random history: requests across 2025–2027, some decided, executed, notified, reported. */
const history: fc.Arbitrary<OversightFact[]> = fc
  .array(
    fc.record({
      kind: fc.constantFrom('collection', 'operation'),
      at: fc.integer({
        min: Date.parse('2025-01-01T00:00:00Z'),
        max: Date.parse('2027-12-31T00:00:00Z'),
      }),
      decision: fc.constantFrom('approved', 'denied', null),
      decideAfter: fc.integer({ min: 0, max: 90 * DAY }),
      emergency: fc.boolean(),
      executeAfter: fc.option(fc.integer({ min: 0, max: 60 * DAY })),
      measures: fc.subarray([...OPERATION_MEASURES], { minLength: 1 }),
      notice: fc.constantFrom('on-time', 'late', 'missed', null),
    }),
    { maxLength: 40 },
  )
  .map((requests) =>
    requests.flatMap((q, i): OversightFact[] => {
      const id = `r${i}`;
      const out: OversightFact[] = [
        fact(
          q.kind === 'collection'
            ? 'CollectionAuthorisationRequested'
            : 'OperationAuthorisationRequested',
          q.at,
          {
            requestId: id,
            agencyKind: 'police',
            requesterKind: q.kind === 'collection' ? 'cabinet-office' : 'police',
            emergencyReason: q.kind === 'operation' && q.emergency ? 'now' : null,
            target: { country: i % 3 === 0 ? 'CN' : 'JP' },
          },
        ),
      ];
      if (q.decision) {
        out.push(fact('VoteCast', q.at + q.decideAfter, { requestId: id }));
        out.push(
          fact(
            q.decision === 'approved' ? 'RequestApproved' : 'RequestDenied',
            q.at + q.decideAfter,
            { requestId: id },
          ),
        );
      }
      if (q.kind === 'operation' && q.executeAfter !== null) {
        const x = q.at + q.executeAfter;
        out.push(
          fact('OperationExecuted', x, {
            requestId: id,
            emergency: q.emergency,
            measuresTaken: q.measures,
            outcome: 'succeeded',
          }),
        );
        if (q.emergency && q.notice === 'missed')
          out.push(fact('EmergencyNotificationMissed', x + DAY, { requestId: id }));
        if (q.emergency && q.notice === 'late') {
          out.push(fact('EmergencyNotificationMissed', x + DAY, { requestId: id }));
          out.push(fact('CommissionNotified', x + 2 * DAY, { requestId: id, late: true }));
        }
        if (q.emergency && q.notice === 'on-time')
          out.push(fact('CommissionNotified', x + H, { requestId: id, late: false }));
      }
      return out;
    }),
  );

describe('annual figures, properties', () => {
  it('are the same from the events and from their JSON copies (what the audit log holds)', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(2025, 2026, 2027), (facts, year) => {
        const copies = JSON.parse(JSON.stringify(facts)) as OversightFact[];
        expect(annualFigures(year, copies)).toEqual(annualFigures(year, facts));
      }),
      { numRuns: 300 },
    );
  });

  it('count every request, decision and execution in exactly one year', () => {
    fc.assert(
      fc.property(history, (facts) => {
        const years = [2024, 2025, 2026, 2027, 2028].map((y) => annualFigures(y, facts));
        const sum = (f: (x: (typeof years)[number]) => number) =>
          years.reduce((n, y) => n + f(y), 0);
        const count = (type: string) => facts.filter((x) => x.type === type).length;
        expect(sum((y) => y.requests.collection)).toBe(count('CollectionAuthorisationRequested'));
        expect(sum((y) => y.requests.operation)).toBe(count('OperationAuthorisationRequested'));
        expect(sum((y) => y.decisions.approved.collection + y.decisions.approved.operation)).toBe(
          count('RequestApproved'),
        );
        expect(sum((y) => y.decisions.denied.collection + y.decisions.denied.operation)).toBe(
          count('RequestDenied'),
        );
        expect(sum((y) => y.operations.executed)).toBe(count('OperationExecuted'));
        expect(sum((y) => y.facts.inYear)).toBe(facts.length);
      }),
      { numRuns: 300 },
    );
  });

  it('classify every emergency execution of the year exactly once', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(2025, 2026, 2027), (facts, year) => {
        const e = annualFigures(year, facts).emergencyNotifications;
        expect(e.onTime + e.late + e.missed + e.outstanding).toBe(e.executed);
      }),
      { numRuns: 300 },
    );
  });

  it('do not depend on the order of aggregates in the record', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(2025, 2026, 2027), (facts, year) => {
        const byRequest = new Map<string, OversightFact[]>();
        for (const f of facts) {
          const id = (f.data as { requestId: string }).requestId;
          byRequest.set(id, [...(byRequest.get(id) ?? []), f]);
        }
        const reversed = [...byRequest.values()].reverse().flat();
        expect(annualFigures(year, reversed)).toEqual(annualFigures(year, facts));
      }),
      { numRuns: 300 },
    );
  });
});

describe('agreements in the year', () => {
  it('counts proposals, acceptances, refusals and ends by when the bus recorded them', () => {
    const t = Date.parse('2026-06-01T00:00:00Z');
    const a = { agreementId: 'ag-1', operatorId: 'op-x' };
    const y = annualFigures(2026, [
      fact('AgreementProposed', t, a),
      fact('AgreementAccepted', t + DAY, a),
      fact('AgreementProposed', t, { ...a, agreementId: 'ag-2' }),
      fact('AgreementDeclined', t + DAY, { ...a, agreementId: 'ag-2' }),
      fact('AgreementEnded', Date.parse('2027-02-01T00:00:00Z'), a),
    ]);
    expect(y.agreements).toEqual({ proposed: 2, accepted: 1, declined: 1, ended: 0 });
  });
});

describe('figure differences', () => {
  it('name every leaf that differs, by its path, and nothing else', () => {
    const t = Date.parse('2026-03-01T00:00:00Z');
    const a = annualFigures(2026, [
      fact('VoteCast', t, { requestId: 'x' }),
      fact('InspectionOpened', t, { agencyId: 'gov-npa' }),
    ]);
    const b = annualFigures(2026, [fact('VoteCast', t, { requestId: 'x' })]);
    expect(figureDifferences(a, a)).toEqual([]);
    expect(figureDifferences(a, b)).toEqual([
      { figure: 'facts.inYear', eventLog: 2, auditLog: 1 },
      { figure: 'facts.read', eventLog: 2, auditLog: 1 },
      { figure: 'supervision.inspectionsOpened', eventLog: 1, auditLog: 0 },
    ]);
  });

  it('name a figure present on one side only', () => {
    expect(figureDifferences({ byAgency: { police: 1 } }, { byAgency: {} })).toEqual([
      { figure: 'byAgency.police', eventLog: 1, auditLog: null },
    ]);
  });
});
