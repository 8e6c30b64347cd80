import type { AdvisoryContent, Millis } from './advisory.events';

export interface IssuedAdvisory extends AdvisoryContent {
  status: 'active' | 'withdrawn';
  advisoryId: string;
  issuerOrgId: string;
  issuerKind: string;
  /** Acknowledging organisation id → when. */
  acknowledgedBy: Readonly<Record<string, Millis>>;
}

/** Nothing issued yet under this id, or the advisory as issued, updated and acknowledged. */
export type AdvisoryState = { status: 'none' } | IssuedAdvisory;

export const initialAdvisoryState: AdvisoryState = { status: 'none' };
