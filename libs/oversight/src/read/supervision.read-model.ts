/** One item of an agency's supervision file, as the commission and the agency read it. */
export interface SupervisionDoc {
  /** The item's id: an inspection, a recommendation or a demand. */
  _id: string;
  /** The agency file's aggregate version when the item last changed. */
  version: number;
  kind: 'inspection' | 'recommendation' | 'disciplinary-demand';
  /** The agency concerned: `supervisionReadFilter` queries it. */
  agencyId: string;
  agencyKind: string;
  /**
   * inspection: open → answered → concluded (an inspection may be concluded unanswered);
   * recommendation: issued → answered; disciplinary-demand: demanded → reported.
   */
  status: 'open' | 'answered' | 'concluded' | 'issued' | 'demanded' | 'reported';
  /** What the commission wrote: the inspection's scope, the recommendation, or the demand. */
  text: string;
  /** Demands only: the leak they follow. */
  leak: string | null;
  /** The inspection a recommendation or a demand cites; null for an inspection itself. */
  inspectionId: string | null;
  /** The member of the commission who opened, issued or demanded it. */
  by: string;
  at: Date;
  /** The agency's answer (or, for a demand, the action it reports having taken). */
  answer: { text: string; at: Date } | null;
  /** Inspections only: the findings that closed it. */
  findings: { conclusion: string; text: string; by: string; at: Date } | null;
  updatedAt: Date;
}

export const SUPERVISION_COLLECTION = 'oversight-supervision';
