import { Map as ImmutableMap } from 'immutable';
import type {
  AssetDetails,
  CaseBasis,
  Deadline,
  IncidentFacts,
  Millis,
  ReportStage,
} from './reporting.events';

export interface AssetState extends AssetDetails {
  assetId: string;
  status: 'active' | 'retired';
}

export interface DeadlineState extends Deadline {
  status: 'pending' | 'met' | 'missed';
  /** When the report that fulfils it was filed (also after a miss). */
  filedAt: Millis | null;
}

export interface IncidentState extends IncidentFacts {
  incidentId: string;
  title: string;
  awareAt: Millis;
  regimes: string[];
  /** Main-sequence stages filed so far, in order (EARLY_WARNING … FINAL). */
  stagesFiled: ReportStage[];
  ransomReported: boolean;
  deadlines: Record<string, DeadlineState>;
  reportIds: string[];
  /** The compliance case currently open about this incident, if any. */
  openCaseId: string | null;
  status: IncidentFacts['status'];
  closed: boolean;
}

export interface CaseState {
  caseId: string;
  basis: CaseBasis;
  incidentId: string | null;
  /** Missed deadlines this case is about (basis missed-deadline). */
  deadlineIds: string[];
  /**
   * referred: an ignored order went to the public prosecutors; concluded: their outcome is on
   * record; penalised: a legacy penalty "assessment" from an old log.
   */
  status: 'open' | 'resolved' | 'referred' | 'concluded' | 'penalised';
  orderIds: string[];
}

export interface OrderState {
  orderId: string;
  caseId: string;
  dueAt: Millis;
  status: 'open' | 'complied' | 'ignored' | 'referred' | 'concluded' | 'penalised';
  /** When the case of this order was referred to the public prosecutors. */
  referredAt: Millis | null;
}

/** The duty that designation brings: notify the specified important computers by `dueAt`. */
export interface DesignationState {
  designatedAt: Millis;
  dueAt: Millis;
  status: 'pending' | 'met' | 'missed';
  /** When an asset notification met the duty (also after a miss). */
  metAt: Millis | null;
  /** The compliance case the miss opened. */
  caseId: string | null;
}

/**
 * The collections are persistent maps: each event changes one entry in O(log n) and shares the
 * rest, so folding an operator's whole history stays linear however many assets and incidents
 * it has (plain objects copied per event made it quadratic: 2.3 s for 6,000 events of one
 * operator), while every earlier state stays intact for the processor's overlay.
 */
export interface ReportingFileState {
  operatorId: string | null;
  sector: string | null;
  assets: ImmutableMap<string, AssetState>;
  incidents: ImmutableMap<string, IncidentState>;
  cases: ImmutableMap<string, CaseState>;
  orders: ImmutableMap<string, OrderState>;
  /** Null until the office designates the operator. */
  designation: DesignationState | null;
}

export const initialReportingFileState: ReportingFileState = {
  operatorId: null,
  sector: null,
  assets: ImmutableMap(),
  incidents: ImmutableMap(),
  cases: ImmutableMap(),
  orders: ImmutableMap(),
  designation: null,
};
