import {
  canReadMatch,
  canReadReference,
  type Organisation,
  type Reference,
  type ReferenceTerms,
} from '@acd/identity';
import type { FlowMatchDoc, FlowSubmissionDoc } from '@acd/traffic';

export function presentSubmission(d: FlowSubmissionDoc) {
  return {
    batchId: d._id,
    telecomOrgId: d.telecomOrgId,
    authorisationId: d.authorisationId,
    received: d.received,
    accepted: d.accepted,
    refusedDomestic: d.refusedDomestic,
    refusedUnlocated: d.refusedUnlocated,
    invalid: d.invalid,
    receivedAt: d.receivedAt.toISOString(),
  };
}

/** What `presentMatch` needs looked up first: the current terms of the matched indicators. */
export const matchReferences = (docs: readonly FlowMatchDoc[]): Reference[] =>
  docs.map((d) => ({ kind: 'indicator', id: d.indicatorId }));

const indicatorReadable = (d: FlowMatchDoc, viewer: Organisation, terms: ReferenceTerms) =>
  canReadReference(viewer, { kind: 'indicator', id: d.indicatorId }, terms);

/**
 * Whether the reader sees this match at all: the office not when it may not read the matched
 * indicator now (the flow would show the hidden indicator's value); see `canReadMatch`.
 */
export const matchShown = (d: FlowMatchDoc, viewer: Organisation, terms: ReferenceTerms) =>
  canReadMatch(viewer, d, indicatorReadable(d, viewer, terms));

/**
 * A match as one reader sees it. The matched indicator (its id, and the copy of its type, value
 * and label the match keeps) is shown only to a reader who may read that indicator now; for
 * the commission, for an indicator not shared with it, `indicator` is null and the match shows the
 * flow and how it matched (no one else sees such a match: `matchShown`).
 */
export function presentMatch(d: FlowMatchDoc, viewer: Organisation, terms: ReferenceTerms) {
  const f = d.flow;
  const readable = indicatorReadable(d, viewer, terms);
  return {
    id: d._id,
    batchId: d.batchId,
    flowIndex: d.flowIndex,
    telecomOrgId: d.telecomOrgId,
    authorisationId: d.authorisationId,
    indicator: readable
      ? { id: d.indicatorId, type: d.indicatorType, value: d.indicatorValue, tlp: d.tlp }
      : null,
    matchedOn: d.matchedOn,
    endpoint: d.endpoint,
    flow: {
      srcAddress: f.srcAddress,
      srcPort: f.srcPort,
      srcCountry: f.srcCountry,
      dstAddress: f.dstAddress,
      dstPort: f.dstPort,
      dstCountry: f.dstCountry,
      protocol: f.protocol,
      bytes: f.bytes,
      packets: f.packets,
      start: f.startedAt.toISOString(),
      end: f.endedAt.toISOString(),
      observationPoint: f.observationPoint,
      domain: f.domain,
    },
    matchedAt: d.matchedAt.toISOString(),
  };
}
