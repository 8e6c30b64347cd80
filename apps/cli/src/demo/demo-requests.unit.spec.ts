// The demo's request bodies against the gateway's own request schemas: a body the API would
// refuse fails here, not in the middle of `npm start`.
import { DEMO_ORGANISATIONS } from '@acd/identity';
import { issueAdvisorySchema } from '@acd/advisories';
import { publishIndicatorSchema } from '@acd/indicators';
import {
  agreementSchema,
  answerSchema,
  collectionRequestSchema,
  consentSchema,
  constituteCouncilSchema,
  executionSchema,
  agencyBodyIssue,
  inspectionSchema,
  operationRequestSchema,
  recommendationSchema,
  summarySchema,
  undertakingSchema,
  COUNCIL_MEMBER_KINDS,
  MAX_AGREEMENT_PERIOD_MS,
} from '@acd/oversight';
import {
  designationSchema,
  issueOrderSchema,
  notifyAssetSchema,
  openIncidentSchema,
  outcomeSchema,
  referralSchema,
} from '@acd/reporting';
import { flowBatchSchema } from '@acd/traffic';
import { demoAdvisories } from './demo-advisories';
import { demoAgreements } from './demo-agreements';
import {
  DEMO_COUNCIL,
  DEMO_UNDERTAKING,
  demoCouncilIndicator,
  demoCouncilMembers,
} from './demo-council';
import { demoDesignation } from './demo-designation';
import { castOf, type DemoOrgRecord } from './demo-cast';
import { demoIndicators, indicatorKey } from './demo-indicators';
import { demoOversightRequests } from './demo-oversight';
import { DEMO_REFERRAL, demoAsset, demoIncidents, demoOrder, demoOutcome } from './demo-reporting';
import { demoSupervision } from './demo-supervision';
import { demoFlowBatches } from './demo-traffic';

const NOW = Date.parse('2026-12-06T09:00:00Z');

const orgs: DemoOrgRecord[] = DEMO_ORGANISATIONS.map((o) => ({
  id: o.id,
  name: o.name,
  kind: o.kind,
  ...(o.sector ? { sector: o.sector } : {}),
  token: `token-${o.id}`,
  ...(o.kind === 'oversight-commission'
    ? { members: ['m1', 'm2', 'm3'].map((id) => ({ id, token: `token-${id}` })) }
    : {}),
}));
const cast = castOf(orgs);

describe('the demo cast', () => {
  it('picks operators of two sectors, and two operators outside electricity to name', () => {
    expect(cast.opA.id).toBe('op-kanto-electric');
    expect(cast.opB.sector).not.toBe(cast.opA.sector);
    expect(cast.named.map((o) => o.id)).toEqual(['op-tokai-rail', 'op-minato-bank']);
    expect(cast.members.map((m) => m.principal)).toEqual(['m1', 'm2', 'm3']);
  });

  it('refuses a commission with fewer than three member tokens', () => {
    const few = orgs.map((o) => (o.members ? { ...o, members: o.members.slice(0, 2) } : o));
    expect(() => castOf(few)).toThrow('three member tokens');
  });
});

describe('the demo requests are what the API accepts', () => {
  it('indicators, one per TLP level, each under its own key', () => {
    const indicators = demoIndicators(cast);
    for (const { body } of indicators)
      expect(publishIndicatorSchema.safeParse(body).error).toBe(undefined);
    expect(indicators.map((i) => i.body.tlp)).toEqual([
      'CLEAR',
      'GREEN',
      'AMBER',
      'AMBER+STRICT',
      'RED',
    ]);
    expect(new Set(indicators.map((i) => indicatorKey(i.body))).size).toBe(indicators.length);
  });

  it('reporting: assets, incidents, orders, the referral and the court’s fine', () => {
    expect(notifyAssetSchema.safeParse(demoAsset('kanto-ems-01', 'EMS', 'dispatch')).error).toBe(
      undefined,
    );
    for (const body of Object.values(demoIncidents(NOW)))
      expect(openIncidentSchema.safeParse(body).error).toBe(undefined);
    expect(issueOrderSchema.safeParse(demoOrder(NOW + 4_000)).error).toBe(undefined);
    expect(referralSchema.safeParse(DEMO_REFERRAL).error).toBe(undefined);
    expect(outcomeSchema.safeParse(demoOutcome(NOW)).error).toBe(undefined);
    // 09:00 UTC is 18:00 in Japan, the same day; 16:00 UTC is already the next day there.
    expect(demoOutcome(NOW).decidedOn).toBe('2026-12-06');
    expect(demoOutcome(NOW + 7 * 3_600_000).decidedOn).toBe('2026-12-07');
  });

  it('reporting: the missed deadlines lie more than 24 hours back, the others within', () => {
    const incidents = demoIncidents(NOW);
    const hoursAgo = (at: string) => (NOW - Date.parse(at)) / 3_600_000;
    expect(hoursAgo(incidents.onTime.awareAt)).toBeLessThan(24);
    expect(hoursAgo(incidents.closed.awareAt)).toBeLessThan(24);
    for (const missed of [incidents.pending, incidents.complied, incidents.ignored])
      expect(hoursAgo(missed.awareAt)).toBeGreaterThan(24);
  });

  it('advisories', () => {
    for (const { body } of Object.values(demoAdvisories(cast, NOW)))
      expect(issueAdvisorySchema.safeParse(body).error).toBe(undefined);
  });

  it('oversight: the collection request, the operations, the execution and its report', () => {
    const evidence = {
      police: '0b0e0c0a-0000-4000-8000-000000000001',
      sdf: '0b0e0c0a-0000-4000-8000-000000000002',
    };
    const r = demoOversightRequests(cast, NOW, evidence);
    expect(collectionRequestSchema.safeParse(r.collection).error).toBe(undefined);
    expect(operationRequestSchema.safeParse(r.policeOperation).error).toBe(undefined);
    expect(operationRequestSchema.safeParse(r.sdfOperation).error).toBe(undefined);
    // Each as its agency sends it: the SDF on the Prime Minister's order, the police without one.
    expect(agencyBodyIssue('police', r.policeOperation)).toBeNull();
    expect(agencyBodyIssue('sdf', r.sdfOperation)).toBeNull();
    expect(executionSchema.safeParse(r.policeExecution).error).toBe(undefined);
    expect(summarySchema.safeParse(r.policeReport).error).toBe(undefined);
    expect(r.collection.telecomId).toBe('tel-nihon-backbone');
  });

  it('traffic: three batches of 44, 32 and 28 flows, four of them domestic only', () => {
    const batches = demoFlowBatches(NOW);
    for (const { body } of batches) expect(flowBatchSchema.safeParse(body).error).toBe(undefined);
    expect(batches.map((b) => b.body.flows.length)).toEqual([44, 32, 28]);
    expect(batches.map((b) => b.key)).toEqual([
      'demo-traffic-1',
      'demo-traffic-2',
      'demo-traffic-3',
    ]);
  });

  it('agreements: one to accept and one left proposed, to two operators, within three years', () => {
    const a = demoAgreements(cast, NOW);
    for (const body of [a.active, a.proposed])
      expect(agreementSchema.safeParse(body).error).toBe(undefined);
    expect(consentSchema.safeParse(a.consent).error).toBe(undefined);
    expect([a.active.operatorId, a.proposed.operatorId]).toEqual([cast.opA.id, cast.opB.id]);
    // In force now (the decider refuses a period already over, or longer than three years).
    expect(Date.parse(a.active.validFrom)).toBeLessThan(NOW);
    for (const body of [a.active, a.proposed]) {
      expect(Date.parse(body.validUntil)).toBeGreaterThan(NOW);
      expect(Date.parse(body.validUntil) - Date.parse(body.validFrom)).toBeLessThanOrEqual(
        MAX_AGREEMENT_PERIOD_MS,
      );
    }
  });

  it('the council: constituted, three members of kinds it admits, one of them bound', () => {
    expect(constituteCouncilSchema.safeParse(DEMO_COUNCIL).error).toBe(undefined);
    expect(undertakingSchema.safeParse(DEMO_UNDERTAKING).error).toBe(undefined);
    const { bound, admitted } = demoCouncilMembers(cast);
    expect(bound.map((o) => o.id)).toEqual(['op-kanto-electric']);
    expect(admitted.map((o) => o.id)).toEqual(['tel-nihon-backbone', 'gov-npa']);
    for (const org of [...bound, ...admitted])
      expect(COUNCIL_MEMBER_KINDS as readonly string[]).toContain(org.kind);
    // What the bound member shares there is valid, and for the council under a label it allows.
    const shared = publishIndicatorSchema.parse(demoCouncilIndicator());
    expect(shared.audience).toEqual({ orgs: [], sectors: [], council: true });
    expect(['CLEAR', 'GREEN', 'AMBER']).toContain(shared.tlp);
  });

  it('supervision: an inspection of the police, its answer, a recommendation citing it', () => {
    const s = demoSupervision();
    expect(inspectionSchema.safeParse(s.inspection).error).toBe(undefined);
    expect(answerSchema.safeParse(s.answer).error).toBe(undefined);
    const cited = s.recommendation('0b0e0c0a-0000-4000-8000-000000000003');
    expect(recommendationSchema.safeParse(cited).error).toBe(undefined);
    expect(cast.police.kind).toBe('police');
  });

  it('designation: the first operator in its registered sector, a week back', () => {
    const d = demoDesignation(cast, NOW);
    expect(designationSchema.safeParse(d).error).toBe(undefined);
    expect(d.sector).toBe(cast.opA.sector);
    expect(Date.parse(d.designatedAt)).toBeLessThan(NOW);
  });
});
