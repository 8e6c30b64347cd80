import { flowMatchIdFor } from './flow-batch';
import type { Millis } from './flow';
import type { IndicatorIndex } from './indicator-index';
import type { FlowMatched, FlowsAccepted } from './traffic.events';

/**
 * The matches of one chunk of accepted flows against the indicators in force, in flow order.
 * Pure given the index: the same chunk against the same index yields the same match ids, which
 * is what lets a re-processed chunk (after a crash or a rebalance) change nothing downstream.
 */
export function matchFlowChunk(
  chunk: FlowsAccepted['data'],
  index: IndicatorIndex,
  matchedAt: Millis,
): FlowMatched[] {
  const out: FlowMatched[] = [];
  for (const flow of chunk.flows) {
    const found = index.match(flow);
    if (found.length === 0) continue;
    const { index: flowIndex, ...metadata } = flow;
    for (const m of found) {
      out.push({
        type: 'FlowMatched',
        data: {
          matchId: flowMatchIdFor(chunk.batchId, flowIndex, m.indicatorId),
          batchId: chunk.batchId,
          flowIndex,
          telecomOrgId: chunk.telecomOrgId,
          authorisationId: chunk.authorisationId,
          flow: metadata,
          indicatorId: m.indicatorId,
          indicatorType: m.indicatorType,
          indicatorValue: m.indicatorValue,
          matchedOn: m.matchedOn,
          endpoint: m.endpoint,
          tlp: m.tlp,
          matchedAt,
        },
      });
    }
  }
  return out;
}
