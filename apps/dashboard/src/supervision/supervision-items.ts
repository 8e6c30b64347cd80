import { textProblem, type FieldProblem } from '../forms/field-checks';

/**
 * The commission's supervision of the agencies (立入検査, 勧告, 懲戒処分の要求): the items as
 * `GET /v1/oversight/supervision` gives them, the route and body of each command, who may answer
 * or conclude what, and the checks of the forms (libs/oversight `inspectionSchema`,
 * `recommendationSchema`, `disciplinaryDemandSchema`, `findingsSchema`, `answerSchema`,
 * `actionTakenSchema`).
 */

export const SUPERVISION_KINDS = ['inspection', 'recommendation', 'disciplinary-demand'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];
export const SUPERVISION_STATUSES = [
  'open',
  'answered',
  'concluded',
  'issued',
  'demanded',
  'reported',
] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];
export const SUPERVISED_AGENCY_KINDS = ['cabinet-office', 'police', 'sdf'] as const;
export const INSPECTION_CONCLUSIONS = ['no-issues', 'issues-found'] as const;
export type InspectionConclusion = (typeof INSPECTION_CONCLUSIONS)[number];

interface Common {
  id: string;
  agencyId: string;
  agencyKind: string;
  status: SupervisionStatus;
  by: string;
  at: string;
  updatedAt: string;
  version: number;
}
type Answer = { text: string; at: string } | null;

export type SupervisionItem =
  | (Common & {
      kind: 'inspection';
      scope: string;
      answer: Answer;
      findings: { conclusion: string; findings: string; by: string; at: string } | null;
    })
  | (Common & {
      kind: 'recommendation';
      recommendation: string;
      inspectionId: string | null;
      answer: Answer;
    })
  | (Common & {
      kind: 'disciplinary-demand';
      leak: string;
      demand: string;
      inspectionId: string | null;
      actionTaken: Answer;
    });

const SEGMENT: Record<SupervisionKind, string> = {
  inspection: 'inspections',
  recommendation: 'recommendations',
  'disciplinary-demand': 'disciplinary-demands',
};

const agencyPath = (agencyId: string) => `/v1/oversight/agencies/${encodeURIComponent(agencyId)}`;

/** The commission's text: the scope, the recommendation, or the demand. */
export function itemText(i: SupervisionItem): string {
  switch (i.kind) {
    case 'inspection':
      return i.scope;
    case 'recommendation':
      return i.recommendation;
    case 'disciplinary-demand':
      return i.demand;
  }
}

/** The agency's answer (for a demand, the action it reports). */
export const agencyAnswer = (i: SupervisionItem): Answer =>
  i.kind === 'disciplinary-demand' ? i.actionTaken : i.answer;

/** The item's status with the date it took it. */
export function supervisionStatusDate(i: SupervisionItem): {
  status: SupervisionStatus;
  at: string | null;
} {
  if (i.kind === 'inspection' && i.findings) return { status: i.status, at: i.findings.at };
  const answer = agencyAnswer(i);
  return { status: i.status, at: answer ? answer.at : i.at };
}

/** The agency concerned answers once, before an inspection's findings. */
export function awaitsAnswer(i: SupervisionItem, viewerId: string): boolean {
  if (viewerId !== i.agencyId) return false;
  return i.status === 'open' || i.status === 'issued' || i.status === 'demanded';
}

/** The commission concludes an inspection not yet concluded. */
export const awaitsFindings = (i: SupervisionItem, viewerKind: string): boolean =>
  viewerKind === 'oversight-commission' && i.kind === 'inspection' && i.status !== 'concluded';

/** The route and body of the agency's answer. */
export function answerCommand(i: SupervisionItem, text: string): { path: string; body: object } {
  const base = `${agencyPath(i.agencyId)}/${SEGMENT[i.kind]}/${encodeURIComponent(i.id)}`;
  return i.kind === 'disciplinary-demand'
    ? { path: `${base}/action`, body: { actionTaken: text } }
    : { path: `${base}/answer`, body: { answer: text } };
}

export function findingsCommand(
  i: SupervisionItem,
  conclusion: InspectionConclusion,
  findings: string,
): { path: string; body: object } {
  return {
    path: `${agencyPath(i.agencyId)}/inspections/${encodeURIComponent(i.id)}/findings`,
    body: { conclusion, findings },
  };
}

export interface NewItemValues {
  kind: SupervisionKind;
  agencyId: string;
  /** The scope, the recommendation or the demand. */
  text: string;
  /** Demands only: the leak as the commission established it. */
  leak: string;
  /** A recommendation's or a demand's inspection of the same agency, optional. */
  inspectionId: string;
}

export const emptyNewItem = (kind: SupervisionKind = 'inspection'): NewItemValues => ({
  kind,
  agencyId: '',
  text: '',
  leak: '',
  inspectionId: '',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The command that opens, issues or demands, or what is wrong with the form. */
export function newItemCommand(
  v: NewItemValues,
):
  | { ok: true; path: string; body: Record<string, string> }
  | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const agencyId = v.agencyId.trim();
  if (agencyId === '') problems.push({ field: 'agencyId', code: 'required' });
  const text = textProblem(v.text, 10_000);
  if (text) problems.push({ field: 'text', code: text });
  if (v.kind === 'disciplinary-demand') {
    const leak = textProblem(v.leak, 10_000);
    if (leak) problems.push({ field: 'leak', code: leak });
  }
  const inspectionId = v.kind === 'inspection' ? '' : v.inspectionId.trim();
  if (inspectionId !== '' && !UUID.test(inspectionId))
    problems.push({ field: 'inspectionId', code: 'invalid' });
  if (problems.length > 0) return { ok: false, problems };
  const cite: Record<string, string> = inspectionId ? { inspectionId } : {};
  const path = `${agencyPath(agencyId)}/${SEGMENT[v.kind]}`;
  switch (v.kind) {
    case 'inspection':
      return { ok: true, path, body: { scope: v.text } };
    case 'recommendation':
      return { ok: true, path, body: { recommendation: v.text, ...cite } };
    case 'disciplinary-demand':
      return { ok: true, path, body: { leak: v.leak, demand: v.text, ...cite } };
  }
}
