import type { EventEnvelope } from '@acd/event-sourcing';
import { flowMatchIdFor } from '../flow-batch';
import type { TrafficEvent } from '../traffic.events';

/** Test fixtures: traffic events as the gateway and the matcher write them. */

export function trafficEnvelope(event: TrafficEvent, at: number): EventEnvelope<TrafficEvent> {
  return {
    metadata: {
      eventId: event.type === 'FlowMatched' ? event.data.matchId : `recv-${event.data.batchId}`,
      eventType: event.type,
      aggregateId: event.data.batchId,
      aggregateVersion: 1,
      orgId: event.data.telecomOrgId,
      occurredAt: new Date(at),
      correlationId: 'c',
      causationId: 'c',
    },
    event,
  };
}

export const flowBatchReceivedAt = (
  batchId: string,
  telecomOrgId: string,
  at: number,
): TrafficEvent => ({
  type: 'FlowBatchReceived',
  data: {
    batchId,
    telecomOrgId,
    authorisationId: 'req-1',
    received: 10,
    accepted: 6,
    refusedDomestic: 3,
    refusedUnlocated: 0,
    invalid: 1,
    chunks: 1,
    receivedAt: at,
  },
});

export const flowMatchedAt = (
  batchId: string,
  flowIndex: number,
  indicatorId: string,
  at: number,
  telecomOrgId: string,
): TrafficEvent => ({
  type: 'FlowMatched',
  data: {
    matchId: flowMatchIdFor(batchId, flowIndex, indicatorId),
    batchId,
    flowIndex,
    telecomOrgId,
    authorisationId: 'req-1',
    flow: {
      srcAddress: '198.51.100.7',
      srcPort: 5555,
      dstAddress: '133.242.0.1',
      dstPort: 443,
      protocol: 6,
      bytes: 100,
      packets: 2,
      startedAt: at - 1_000,
      endedAt: at,
      observationPoint: 'tap',
      domain: null,
      srcCountry: 'US',
      dstCountry: 'JP',
    },
    indicatorId,
    indicatorType: 'ipv4',
    indicatorValue: '198.51.100.7',
    matchedOn: 'address',
    endpoint: 'source',
    tlp: 'AMBER',
    matchedAt: at,
  },
});
