import type { SupervisionDoc } from '@acd/oversight';

const iso = (d: Date) => d.toISOString();

/**
 * One item of an agency's supervision file, named as the Act names it: an inspection's scope and
 * findings, a recommendation, a demand and the leak it follows; the agency's answer (for a demand,
 * the action it reports having taken).
 */
export function presentSupervisionItem(d: SupervisionDoc) {
  const common = {
    id: d._id,
    kind: d.kind,
    agencyId: d.agencyId,
    agencyKind: d.agencyKind,
    status: d.status,
    by: d.by,
    at: iso(d.at),
    updatedAt: iso(d.updatedAt),
    version: d.version,
  };
  const answer = d.answer ? { text: d.answer.text, at: iso(d.answer.at) } : null;
  switch (d.kind) {
    case 'inspection':
      return {
        ...common,
        scope: d.text,
        answer,
        findings: d.findings
          ? {
              conclusion: d.findings.conclusion,
              findings: d.findings.text,
              by: d.findings.by,
              at: iso(d.findings.at),
            }
          : null,
      };
    case 'recommendation':
      return { ...common, recommendation: d.text, inspectionId: d.inspectionId, answer };
    case 'disciplinary-demand':
      return {
        ...common,
        leak: d.leak,
        demand: d.text,
        inspectionId: d.inspectionId,
        actionTaken: answer,
      };
  }
}
