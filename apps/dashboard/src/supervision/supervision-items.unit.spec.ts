import {
  answerCommand,
  awaitsAnswer,
  awaitsFindings,
  emptyNewItem,
  findingsCommand,
  INSPECTION_CONCLUSIONS,
  itemText,
  newItemCommand,
  SUPERVISED_AGENCY_KINDS,
  supervisionStatusDate,
  type SupervisionItem,
} from './supervision-items';

/* eslint-disable @typescript-eslint/no-require-imports */
const schemas = require('../../../../libs/oversight/src/oversight.schemas') as Record<
  'inspectionSchema' | 'recommendationSchema' | 'disciplinaryDemandSchema',
  { safeParse(v: unknown): { success: boolean } }
>;
const events = require('../../../../libs/oversight/src/domain/supervision.events') as {
  SUPERVISED_AGENCY_KINDS: readonly string[];
  INSPECTION_CONCLUSIONS: readonly string[];
};
/* eslint-enable @typescript-eslint/no-require-imports */

const INSPECTION_ID = '0b0e0c0a-0000-4000-8000-000000000001';
const common = {
  agencyId: 'gov-npa',
  agencyKind: 'police',
  by: 'm1',
  at: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
};
const inspection: SupervisionItem = {
  ...common,
  id: INSPECTION_ID,
  kind: 'inspection',
  status: 'open',
  scope: 'Handling of seized logs',
  answer: null,
  findings: null,
};
const demand: SupervisionItem = {
  ...common,
  id: 'd1',
  kind: 'disciplinary-demand',
  status: 'demanded',
  leak: 'A log left on a shared drive',
  demand: 'Discipline the officer',
  inspectionId: null,
  actionTaken: null,
};

describe('supervision items', () => {
  it('name the agencies and conclusions the API does', () => {
    expect(SUPERVISED_AGENCY_KINDS).toEqual(events.SUPERVISED_AGENCY_KINDS);
    expect(INSPECTION_CONCLUSIONS).toEqual(events.INSPECTION_CONCLUSIONS);
  });

  it('are answered by the agency concerned only, once, and concluded by the commission', () => {
    expect(awaitsAnswer(inspection, 'gov-npa')).toBe(true);
    expect(awaitsAnswer(inspection, 'gov-sdf-cyber-defense-command')).toBe(false);
    expect(awaitsAnswer({ ...inspection, status: 'answered' }, 'gov-npa')).toBe(false);
    expect(awaitsAnswer({ ...demand, status: 'reported' }, 'gov-npa')).toBe(false);
    expect(awaitsFindings(inspection, 'oversight-commission')).toBe(true);
    expect(awaitsFindings({ ...inspection, status: 'answered' }, 'oversight-commission')).toBe(
      true,
    );
    expect(awaitsFindings({ ...inspection, status: 'concluded' }, 'oversight-commission')).toBe(
      false,
    );
    expect(awaitsFindings(inspection, 'police')).toBe(false);
    expect(awaitsFindings(demand, 'oversight-commission')).toBe(false);
  });

  it('answer at the route of their kind', () => {
    expect(answerCommand(inspection, 'Presented')).toEqual({
      path: `/v1/oversight/agencies/gov-npa/inspections/${INSPECTION_ID}/answer`,
      body: { answer: 'Presented' },
    });
    expect(answerCommand(demand, 'Suspended')).toEqual({
      path: '/v1/oversight/agencies/gov-npa/disciplinary-demands/d1/action',
      body: { actionTaken: 'Suspended' },
    });
    expect(findingsCommand(inspection, 'no-issues', 'In order')).toEqual({
      path: `/v1/oversight/agencies/gov-npa/inspections/${INSPECTION_ID}/findings`,
      body: { conclusion: 'no-issues', findings: 'In order' },
    });
    expect(itemText(demand)).toBe('Discipline the officer');
  });

  it('show each status with the date it was taken', () => {
    expect(supervisionStatusDate(inspection)).toEqual({ status: 'open', at: common.at });
    const answered = {
      ...inspection,
      status: 'answered' as const,
      answer: { text: 'a', at: 'T2' },
    };
    expect(supervisionStatusDate(answered)).toEqual({ status: 'answered', at: 'T2' });
    const concluded = {
      ...answered,
      status: 'concluded' as const,
      findings: { conclusion: 'no-issues', findings: 'f', by: 'm1', at: 'T3' },
    };
    expect(supervisionStatusDate(concluded)).toEqual({ status: 'concluded', at: 'T3' });
    const reported = {
      ...demand,
      status: 'reported' as const,
      actionTaken: { text: 'x', at: 'T4' },
    };
    expect(supervisionStatusDate(reported)).toEqual({ status: 'reported', at: 'T4' });
  });
});

describe('the commission’s form', () => {
  it('builds the command of each kind, with the body the API takes', () => {
    const open = newItemCommand({ ...emptyNewItem(), agencyId: ' gov-npa ', text: 'Logs' });
    expect(open).toEqual({
      ok: true,
      path: '/v1/oversight/agencies/gov-npa/inspections',
      body: { scope: 'Logs' },
    });
    const rec = newItemCommand({
      ...emptyNewItem('recommendation'),
      agencyId: 'gov-npa',
      text: 'Delete the copies',
      inspectionId: INSPECTION_ID,
    });
    expect(rec).toEqual({
      ok: true,
      path: '/v1/oversight/agencies/gov-npa/recommendations',
      body: { recommendation: 'Delete the copies', inspectionId: INSPECTION_ID },
    });
    const dem = newItemCommand({
      ...emptyNewItem('disciplinary-demand'),
      agencyId: 'gov-npa',
      text: 'Discipline',
      leak: 'A leak',
    });
    expect(dem).toEqual({
      ok: true,
      path: '/v1/oversight/agencies/gov-npa/disciplinary-demands',
      body: { leak: 'A leak', demand: 'Discipline' },
    });
    if (!open.ok || !rec.ok || !dem.ok) throw new Error('unreachable');
    expect(schemas.inspectionSchema.safeParse(open.body).success).toBe(true);
    expect(schemas.recommendationSchema.safeParse(rec.body).success).toBe(true);
    expect(schemas.disciplinaryDemandSchema.safeParse(dem.body).success).toBe(true);
  });

  it('names what is missing or malformed', () => {
    expect(newItemCommand(emptyNewItem('disciplinary-demand'))).toEqual({
      ok: false,
      problems: [
        { field: 'agencyId', code: 'required' },
        { field: 'text', code: 'required' },
        { field: 'leak', code: 'required' },
      ],
    });
    expect(
      newItemCommand({
        ...emptyNewItem('recommendation'),
        agencyId: 'gov-npa',
        text: 'r',
        inspectionId: 'not-a-uuid',
      }),
    ).toEqual({ ok: false, problems: [{ field: 'inspectionId', code: 'invalid' }] });
    expect(
      schemas.recommendationSchema.safeParse({ recommendation: 'r', inspectionId: 'not-a-uuid' })
        .success,
    ).toBe(false);
  });
});
