/** One submission, as the telecom operator that made it, the office and the commission read it. */
export interface FlowSubmissionDoc {
  /** The batch id. */
  _id: string;
  version: number;
  /** Entitlement fields: `trafficReadFilter` queries `kind` and `telecomOrgId`. */
  kind: 'submission';
  telecomOrgId: string;
  authorisationId: string;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: number;
  chunks: number;
  receivedAt: Date;
  /** Digest of the submitted body: a retry under the same key must send the same body. */
  fingerprint?: string | null;
}

/** The metadata of the flow that matched, as the office reads it. */
export interface MatchedFlowDoc {
  srcAddress: string;
  srcPort: number | null;
  dstAddress: string;
  dstPort: number | null;
  protocol: number;
  bytes: number;
  packets: number;
  startedAt: Date;
  endedAt: Date;
  observationPoint: string;
  domain: string | null;
  srcCountry: string | null;
  dstCountry: string | null;
}

/** One metadata match: evidence an operation request can cite by its id. */
export interface FlowMatchDoc {
  /** The match id (deterministic: batch id, flow index, indicator id). */
  _id: string;
  version: number;
  kind: 'match';
  telecomOrgId: string;
  authorisationId: string;
  batchId: string;
  flowIndex: number;
  flow: MatchedFlowDoc;
  indicatorId: string;
  indicatorType: string;
  indicatorValue: string;
  matchedOn: string;
  endpoint: string | null;
  tlp: string;
  matchedAt: Date;
}
