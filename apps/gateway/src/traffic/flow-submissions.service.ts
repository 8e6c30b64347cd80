import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@acd/config';
import {
  trafficSchema,
  type TrafficConfig,
  TrafficQueries,
  countryOfAddress,
  loadIpCountryTable,
  sortFlowBatch,
  type FlowIssue,
  flowBatchSchema,
} from '@acd/traffic';
import type { Organisation } from '@acd/identity';
import {
  AgreementQueries,
  CollectionAuthorisationLookup,
  networkCovers,
  type LiveAgreement,
} from '@acd/oversight';
import { isIP } from 'node:net';
import { BusIds } from '../common/bus-ids';
import { digestOf, stableJson } from '../common/request-digest';
import { badRequest, issuesOf } from '../common/zod-validation.pipe';
import { FlowBatchPublisher } from './flow-batch-publisher';

export interface FlowBatchAnswer {
  batchId: string;
  /** The legal basis: the collection authorisation (a telecom) or the agreement (an operator). */
  authorisationId: string;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: FlowIssue[];
  /** True when this Idempotency-Key was seen before: nothing was published this time. */
  duplicate: boolean;
}

/** An answer with the digest of the body it answered (null for batches stored before digests). */
type Fingerprinted = FlowBatchAnswer & { fingerprint: string | null };

function withoutFingerprint({ fingerprint: _f, ...answer }: Fingerprinted): FlowBatchAnswer {
  return answer;
}

/** Categories of metadata a flow record carries; the authorisation must cover each one. */
function categoriesUsed(flows: readonly { srcPort?: unknown; dstPort?: unknown }[]): string[] {
  const used = ['addresses', 'protocols', 'volumes', 'timings'];
  if (flows.some((f) => (f.srcPort ?? null) !== null || (f.dstPort ?? null) !== null)) {
    used.push('ports');
  }
  return used;
}

const RECENT_LIMIT = 10_000;

/**
 * Accepts a telecom operator's flow batch: only a telecom operator, only under a live
 * collection authorisation covering what the flows carry; domestic-only flows are counted and
 * dropped here; invalid ones reported by index; the rest published (see FlowBatchPublisher).
 *
 * A retry with the same Idempotency-Key names the same batch (the id derives from organisation
 * and key) and publishes nothing: concurrent retries on this gateway join the first call,
 * later ones find the batch among this gateway's recent batches or in the submissions read
 * model. Should two gateways still both publish one batch (a retry racing the projection), every
 * record carries the same deterministic event ids, and every reader ignores the copy.
 */
@Injectable()
export class FlowSubmissions {
  private readonly config: TrafficConfig = loadConfig(trafficSchema);
  private readonly inFlight = new Map<string, Promise<Fingerprinted>>();
  /** Counts only: an invalid list can be 10,000 entries long, and is recomputed from the body. */
  private readonly recent = new Map<string, Omit<Fingerprinted, 'invalid' | 'duplicate'>>();

  constructor(
    private readonly authorisations: CollectionAuthorisationLookup,
    private readonly agreements: AgreementQueries,
    private readonly queries: TrafficQueries,
    private readonly publisher: FlowBatchPublisher,
    private readonly ids: BusIds,
  ) {
    // About 0.1 s: at start-up rather than in the first submission.
    loadIpCountryTable();
  }

  async submit(
    org: Organisation,
    body: unknown,
    idempotencyKey: string | undefined,
    correlationId: string,
  ): Promise<FlowBatchAnswer> {
    if (org.kind !== 'telecom' && org.kind !== 'operator') {
      throw new ForbiddenException(
        'only telecom operators (under a collection authorisation) and operators (under an agreement) submit flow metadata',
      );
    }
    const flows = (body as { flows?: unknown } | null)?.flows;
    if (Array.isArray(flows) && flows.length > this.config.ACD_FLOW_BATCH_MAX_FLOWS) {
      throw new HttpException(
        {
          statusCode: 413,
          error: 'Payload Too Large',
          message: `flows: ${flows.length} flow records, at most ${this.config.ACD_FLOW_BATCH_MAX_FLOWS} per request (ACD_FLOW_BATCH_MAX_FLOWS); split the submission`,
        },
        HttpStatus.PAYLOAD_TOO_LARGE,
      );
    }
    const parsed = flowBatchSchema.safeParse(body);
    if (!parsed.success) throw badRequest(issuesOf(parsed.error));

    const batchId = this.ids.flowBatch(org.id, idempotencyKey ?? randomUUID());
    const fingerprint = digestOf(org.id, stableJson(body));
    const running = this.inFlight.get(batchId);
    if (running) {
      const answer = await running;
      this.mustMatch(answer.fingerprint, fingerprint);
      return { ...withoutFingerprint(answer), duplicate: true };
    }
    const work = this.accept(org, parsed.data.flows, batchId, fingerprint, correlationId);
    this.inFlight.set(batchId, work);
    try {
      return withoutFingerprint(await work);
    } finally {
      this.inFlight.delete(batchId);
    }
  }

  private async accept(
    org: Organisation,
    flows: Parameters<typeof sortFlowBatch>[0],
    batchId: string,
    fingerprint: string,
    correlationId: string,
  ): Promise<Fingerprinted> {
    const now = new Date();
    const seen = await this.previously(org, batchId, flows, now);
    if (seen) {
      this.mustMatch(seen.fingerprint, fingerprint);
      return seen;
    }

    const basis = await this.basisFor(org, flows, now);

    const sorted = sortFlowBatch(flows, countryOfAddress, now.getTime());
    const counts = {
      received: sorted.received,
      accepted: sorted.accepted.length,
      refusedDomestic: sorted.refusedDomestic,
      refusedUnlocated: sorted.refusedUnlocated,
      invalid: sorted.invalid.length,
    };
    await this.publisher.publish({
      batchId,
      telecomOrgId: org.id,
      authorisationId: basis,
      accepted: sorted.accepted,
      counts,
      receivedAt: now,
      correlationId,
      chunkSize: this.config.ACD_FLOW_CHUNK_SIZE,
      fingerprint,
    });
    const answer: Fingerprinted = {
      batchId,
      authorisationId: basis,
      ...counts,
      invalid: sorted.invalid,
      duplicate: false,
      fingerprint,
    };
    this.remember(answer);
    return answer;
  }

  /** A key reused with another body is refused, never answered with the first body's outcome. */
  private mustMatch(stored: string | null, fingerprint: string): void {
    if (stored === fingerprint) return;
    throw new UnprocessableEntityException({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message:
        'this Idempotency-Key was already used for a different submission; retry a submission only with its own key, and use a new key for new flows',
      field: 'Idempotency-Key',
    });
  }

  /** The answer to a batch already published, from this gateway's memory or the read model. */
  private async previously(
    org: Organisation,
    batchId: string,
    flows: Parameters<typeof sortFlowBatch>[0],
    now: Date,
  ): Promise<Fingerprinted | null> {
    // The recorded counts stand; the invalid list is recomputed from the body.
    const invalid = () => sortFlowBatch(flows, countryOfAddress, now.getTime()).invalid;
    const recent = this.recent.get(batchId);
    if (recent) return { ...recent, invalid: invalid(), duplicate: true };
    const stored = await this.queries.findSubmission(org, batchId);
    if (!stored) return null;
    return {
      batchId,
      authorisationId: stored.authorisationId,
      received: stored.received,
      accepted: stored.accepted,
      refusedDomestic: stored.refusedDomestic,
      refusedUnlocated: stored.refusedUnlocated,
      invalid: invalid(),
      duplicate: true,
      fingerprint: stored.fingerprint ?? null,
    };
  }

  /**
   * The legal basis of a submission, or the 403 / 422 that says why there is none: a telecom
   * operator's live collection authorisation (approved by the commission) or, for an operator
   * (or a telecom without one), an agreement in force that covers what the flows carry and the
   * networks they come from. Nothing reaches Kafka without one.
   */
  private async basisFor(
    org: Organisation,
    flows: readonly {
      srcAddress?: unknown;
      dstAddress?: unknown;
      srcPort?: unknown;
      dstPort?: unknown;
    }[],
    now: Date,
  ): Promise<string> {
    const used = categoriesUsed(flows);
    const authorisation =
      org.kind === 'telecom' ? await this.authorisations.liveFor(org.id, now) : null;
    if (authorisation) {
      const missing = used.filter((c) => !authorisation.categories.includes(c));
      if (missing.length > 0) {
        throw forbidden(
          'categories-not-authorised',
          `collection authorisation ${authorisation.requestId} does not cover: ${missing.join(', ')}; nothing was accepted`,
        );
      }
      return authorisation.requestId;
    }
    const agreements = await this.agreements.liveFor(org.id, now);
    if (agreements.length === 0) {
      throw forbidden(
        org.kind === 'telecom' ? 'no-live-authorisation' : 'no-live-agreement',
        org.kind === 'telecom'
          ? 'no collection authorisation approved by the oversight commission (nor an agreement) is in force for this telecom operator now; nothing was accepted'
          : 'no agreement with the cabinet cyber office is in force for this operator now; nothing was accepted',
      );
    }
    const covering = agreements.filter((a) => used.every((c) => a.categories.includes(c)));
    if (covering.length === 0) {
      const a = agreements[0] as LiveAgreement;
      const missing = used.filter((c) => !a.categories.includes(c));
      throw forbidden(
        'categories-not-agreed',
        `agreement ${a.agreementId} does not cover: ${missing.join(', ')}; nothing was accepted`,
      );
    }
    const inScope = (address: unknown) =>
      typeof address === 'string' &&
      isIP(address) !== 0 &&
      covering.some((a) => a.networks.some((n) => networkCovers(n, address)));
    const outside = flows.findIndex((f) =>
      (typeof f.srcAddress === 'string' && isIP(f.srcAddress) !== 0) ||
      (typeof f.dstAddress === 'string' && isIP(f.dstAddress) !== 0)
        ? !inScope(f.srcAddress) && !inScope(f.dstAddress)
        : false,
    );
    if (outside >= 0) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `neither address of this flow lies in the networks your agreement covers (${covering.flatMap((a) => a.networks).join(', ')}); nothing was accepted`,
        field: `flows.${outside}`,
      });
    }
    return (covering[0] as LiveAgreement).agreementId;
  }

  private remember({ invalid: _invalid, duplicate: _duplicate, ...counts }: Fingerprinted): void {
    this.recent.set(counts.batchId, counts);
    if (this.recent.size > RECENT_LIMIT) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

function forbidden(reason: string, message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', reason, message });
}
