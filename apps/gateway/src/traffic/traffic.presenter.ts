import type { FlowMatchDoc, FlowSubmissionDoc } from '@acd/persistence';

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

export function presentMatch(d: FlowMatchDoc) {
  const f = d.flow;
  return {
    id: d._id,
    batchId: d.batchId,
    flowIndex: d.flowIndex,
    telecomOrgId: d.telecomOrgId,
    authorisationId: d.authorisationId,
    indicator: { id: d.indicatorId, type: d.indicatorType, value: d.indicatorValue, tlp: d.tlp },
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
