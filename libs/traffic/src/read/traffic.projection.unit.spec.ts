import type { EventEnvelope } from '@acd/event-sourcing';
import type { TrafficEvent } from '../domain/traffic.events';
import {
  evolveFlowMatch,
  evolveFlowSubmission,
  flowMatchProjection,
  flowSubmissionProjection,
} from './traffic.projection';

const T0 = Date.UTC(2026, 10, 22, 9, 0);

const envelope = (event: TrafficEvent): EventEnvelope<TrafficEvent> => ({
  metadata: {
    eventId: 'e',
    eventType: event.type,
    aggregateId: event.data.batchId,
    aggregateVersion: 1,
    orgId: event.data.telecomOrgId,
    occurredAt: new Date(T0),
    correlationId: 'c',
    causationId: 'c',
  },
  event,
});

const received = envelope({
  type: 'FlowBatchReceived',
  data: {
    batchId: 'b-1',
    telecomOrgId: 'tel-a',
    authorisationId: 'req-1',
    received: 5,
    accepted: 2,
    refusedDomestic: 2,
    refusedUnlocated: 0,
    invalid: 1,
    chunks: 1,
    receivedAt: T0,
  },
});

const matched = envelope({
  type: 'FlowMatched',
  data: {
    matchId: 'm-1',
    batchId: 'b-1',
    flowIndex: 3,
    telecomOrgId: 'tel-a',
    authorisationId: 'req-1',
    flow: {
      srcAddress: '8.8.8.8',
      srcPort: null,
      dstAddress: '133.242.0.1',
      dstPort: null,
      protocol: 1,
      bytes: 84,
      packets: 1,
      startedAt: T0 - 10,
      endedAt: T0,
      observationPoint: 'tap',
      domain: null,
      srcCountry: 'US',
      dstCountry: 'JP',
    },
    indicatorId: 'ind-1',
    indicatorType: 'ipv4',
    indicatorValue: '8.8.8.8',
    matchedOn: 'address',
    endpoint: 'source',
    tlp: 'GREEN',
    matchedAt: T0 + 5,
  },
});

describe('traffic projections', () => {
  it('a submission becomes one document carrying its entitlement fields', () => {
    expect(evolveFlowSubmission(null, received)).toMatchObject({
      _id: 'b-1',
      kind: 'submission',
      telecomOrgId: 'tel-a',
      received: 5,
      refusedDomestic: 2,
      receivedAt: new Date(T0),
    });
    expect(flowSubmissionProjection.documentIdOf?.(received)).toBe('b-1');
    expect(flowSubmissionProjection.documentIdOf?.(matched)).toBeNull();
  });

  it('a match becomes one document under its match id, with dates', () => {
    const doc = evolveFlowMatch(null, matched);
    expect(doc).toMatchObject({
      _id: 'm-1',
      kind: 'match',
      flowIndex: 3,
      flow: { startedAt: new Date(T0 - 10), endedAt: new Date(T0), srcCountry: 'US' },
      matchedAt: new Date(T0 + 5),
    });
    expect(flowMatchProjection.documentIdOf?.(matched)).toBe('m-1');
    expect(flowMatchProjection.documentIdOf?.(received)).toBeNull();
  });

  it('neither rewrites a document it already holds, nor touches the other kind', () => {
    const sub = evolveFlowSubmission(null, received);
    const match = evolveFlowMatch(null, matched);
    expect(evolveFlowSubmission(sub, received)).toBeNull();
    expect(evolveFlowMatch(match, matched)).toBeNull();
    expect(evolveFlowSubmission(null, matched)).toBeNull();
    expect(evolveFlowMatch(null, received)).toBeNull();
  });
});
