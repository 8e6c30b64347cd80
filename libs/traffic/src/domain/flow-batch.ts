import { deterministicId, keyedId } from '@acd/event-sourcing';
import {
  reachOf,
  validateFlow,
  type FlowIssue,
  type FlowRecord,
  type Millis,
  type SubmittedFlow,
} from './flow';

/** What the telecom operator is told, and what `FlowBatchReceived` records. */
export interface FlowBatchOutcome {
  received: number;
  /** Flows that go on to analysis (at least one end abroad). */
  accepted: FlowRecord[];
  /** Both ends in Japan: counted, never stored or forwarded. */
  refusedDomestic: number;
  /** No end provably abroad, not both provably in Japan (private, reserved or unallocated). */
  refusedUnlocated: number;
  invalid: FlowIssue[];
}

/**
 * Sorts a submission into accepted, refused and invalid flows. Pure: the country look-up and
 * the clock come in as arguments. Refused and invalid flows are dropped here, so nothing later
 * in the pipeline (topic, matcher, read models) ever holds them.
 */
export function sortFlowBatch(
  flows: readonly SubmittedFlow[],
  countryOf: (address: string) => string | null,
  now: Millis,
): FlowBatchOutcome {
  const out: FlowBatchOutcome = {
    received: flows.length,
    accepted: [],
    refusedDomestic: 0,
    refusedUnlocated: 0,
    invalid: [],
  };
  flows.forEach((raw, index) => {
    const checked = validateFlow(raw, index, now);
    if (!checked.ok) {
      out.invalid.push(checked.issue);
      return;
    }
    const srcCountry = countryOf(checked.flow.srcAddress);
    const dstCountry = countryOf(checked.flow.dstAddress);
    switch (reachOf(srcCountry, dstCountry)) {
      case 'domestic':
        out.refusedDomestic += 1;
        return;
      case 'unlocated':
        out.refusedUnlocated += 1;
        return;
      case 'cross-border':
        out.accepted.push({ ...checked.flow, srcCountry, dstCountry });
        return;
    }
  });
  return out;
}

/** Consecutive slices of at most `size` flows: one Kafka record each. */
export function chunkFlows<T>(flows: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size ${size} is not positive`);
  const chunks: T[][] = [];
  for (let i = 0; i < flows.length; i += size) chunks.push(flows.slice(i, i + size));
  return chunks;
}

/**
 * The batch id is derived from the telecom operator and its Idempotency-Key, so a retried
 * submission names the same batch, and its records carry the same event ids; keyed with the
 * bus's id key, so the id reveals neither.
 */
export const flowBatchIdFor = (idKey: string, telecomId: string, idempotencyKey: string): string =>
  keyedId(idKey, 'acd:flow-batch', `${telecomId}:${idempotencyKey}`);

export const flowChunkIdFor = (batchId: string, chunkIndex: number): string =>
  deterministicId('acd:flow-chunk', `${batchId}#${chunkIndex}`);

export const flowBatchReceivedIdFor = (batchId: string): string =>
  deterministicId('acd:flow-batch-received', batchId);

/** One match per flow and indicator: the same match found again has the same id. */
export const flowMatchIdFor = (batchId: string, flowIndex: number, indicatorId: string): string =>
  deterministicId('acd:flow-match', `${batchId}#${flowIndex}#${indicatorId}`);
