import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { deterministicId } from '@acd/event-sourcing';
import type { Organisation } from '@acd/identity';
import {
  OPERATING_AGENCY_KINDS,
  agencyBodyIssue,
  type CastVote,
  type ExecuteOperation,
  type NotifyCommission,
  type OperationTarget,
  type RecordEmergencyOperation,
  type RecordForeignMinisterConsultation,
  type ReportOperation,
  type RequestCollectionAuthorisation,
  type RequestOperationAuthorisation,
  OversightQueries,
} from '@acd/oversight';
import { IndicatorQueries } from '@acd/indicators';
import { OrganisationDirectory } from '@acd/identity';
import { ReportingQueries } from '@acd/reporting';
import { TrafficQueries } from '@acd/traffic';
import type { Accepted } from '../common/command-outcome';
import { CommandSender, type CommandOptions } from '../common/command-sender';
import { badRequest } from '../common/zod-validation.pipe';
import type {
  CollectionRequestBody,
  ConsultationBody,
  EmergencyOperationBody,
  ExecutionBody,
  OperationRequestBody,
  TargetBody,
  VoteBody,
} from '@acd/oversight';
import { resolveTarget } from './target-country';

const NS = 'jp.acd.oversight';

export interface Requested extends Accepted {
  requestId: string;
  status: 'pending';
}

export interface Voted extends Accepted {
  requestId: string;
  /** The request's status after the vote; null only when the read side lagged too long. */
  status: 'pending' | 'approved' | 'denied' | null;
  approvals: number | null;
  denials: number | null;
  quorum: number | null;
}

const ms = (iso: string) => Date.parse(iso);

/** The target with its country settled, or the 400/422 that says why it cannot be. */
function located(t: TargetBody): OperationTarget {
  const resolved = resolveTarget(t);
  if (resolved.ok) return resolved.target;
  if (resolved.status === 400) {
    throw badRequest([{ field: resolved.field, reason: resolved.reason }]);
  }
  throw new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: resolved.reason,
    field: resolved.field,
  });
}

/**
 * Builds oversight commands from validated input. The request id is derived from the command
 * id, so a retry with the same Idempotency-Key names the same request. Who may do what, and
 * whether a request is visible at all (404), is the decider's call on consistent state; the
 * edge adds only what needs the outside world: the target's country from the IP-to-country
 * dataset, that the named telecom operator exists, and that every item cited as evidence exists
 * and is the requesting agency's to cite. Those lookups run only for a caller the decider would
 * let act: for anyone else they would answer questions (does this organisation, this flow match
 * exist?) that the caller's refusal must not.
 */
@Injectable()
export class OversightCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly queries: OversightQueries,
    private readonly directory: OrganisationDirectory,
    private readonly indicators: IndicatorQueries,
    private readonly reporting: ReportingQueries,
    private readonly traffic: TrafficQueries,
  ) {}

  /**
   * Evidence must be real: an indicator or an incident the agency may read (so a request never
   * cites what its author cannot see), or a flow match the bus recorded (agencies do not read
   * matches; the cabinet office passes their ids on, so only existence is checked). The first
   * unusable item answers 422 naming it. Reading a request shows each reader only the evidence it
   * may read itself at that moment (`presentRequest`), the commission included.
   */
  private async checkEvidence(
    org: Organisation,
    evidence: OperationRequestBody['evidence'],
  ): Promise<void> {
    // Only for an agency that may request (the decider refuses anyone else, 403, whatever the
    // evidence): for anyone else the check would be a way to probe which flow matches exist.
    if (!(OPERATING_AGENCY_KINDS as readonly string[]).includes(org.kind)) return;
    for (const [i, item] of evidence.entries()) {
      const found =
        item.type === 'indicator'
          ? await this.indicators.findVisible(org, item.id)
          : item.type === 'incident'
            ? await this.reporting.findIncident(org, item.id)
            : await this.traffic.matchExists(item.id);
      if (!found) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message:
            item.type === 'flow-match'
              ? `no flow match ${item.id}`
              : `no ${item.type} ${item.id} that ${org.id} may read`,
          field: `evidence.${i}.id`,
        });
      }
    }
  }

  async requestCollection(
    org: Organisation,
    b: CollectionRequestBody,
    opts: CommandOptions,
  ): Promise<Requested> {
    // Only the office requests collection (the decider refuses anyone else, 403): checking the
    // telecom operator for anyone else would tell them which organisations exist.
    if (org.kind === 'cabinet-office') {
      const telecom = await this.directory.byId(b.telecomId);
      if (telecom?.kind !== 'telecom') {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `${b.telecomId} is not a registered telecom operator`,
          field: 'telecomId',
        });
      }
    }
    const commandId = this.sender.commandId(org, opts);
    const requestId = deterministicId('acd:oversight-request', commandId);
    const data: RequestCollectionAuthorisation['data'] = {
      requestId,
      telecomId: b.telecomId,
      categories: b.categories,
      validFrom: ms(b.validFrom),
      validUntil: ms(b.validUntil),
      justification: b.justification,
    };
    const accepted = await this.send(
      org,
      'RequestCollectionAuthorisation',
      requestId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, requestId, status: 'pending' };
  }

  /** The 400 for what the body lacks or carries given who sends it; then the evidence (422). */
  private async checkOperationBody(org: Organisation, b: OperationRequestBody): Promise<void> {
    const issue = agencyBodyIssue(org.kind, b);
    if (issue) throw badRequest([issue]);
    await this.checkEvidence(org, b.evidence);
  }

  async requestOperation(
    org: Organisation,
    b: OperationRequestBody,
    opts: CommandOptions,
  ): Promise<Requested> {
    await this.checkOperationBody(org, b);
    const commandId = this.sender.commandId(org, opts);
    const requestId = deterministicId('acd:oversight-request', commandId);
    const data: RequestOperationAuthorisation['data'] = {
      requestId,
      ...this.operationFields(b),
    };
    const accepted = await this.send(
      org,
      'RequestOperationAuthorisation',
      requestId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, requestId, status: 'pending' };
  }

  async recordEmergency(
    org: Organisation,
    b: EmergencyOperationBody,
    opts: CommandOptions,
  ): Promise<Requested> {
    await this.checkOperationBody(org, b);
    const commandId = this.sender.commandId(org, opts);
    const requestId = deterministicId('acd:oversight-request', commandId);
    const data: RecordEmergencyOperation['data'] = {
      requestId,
      ...this.operationFields(b),
      emergencyReason: b.emergencyReason,
      consultation: b.consultation
        ? { consultedAt: ms(b.consultation.consultedAt), summary: b.consultation.summary }
        : null,
      execution: {
        target: b.execution.target,
        startedAt: ms(b.execution.startedAt),
        endedAt: ms(b.execution.endedAt),
        outcome: b.execution.outcome,
        summary: b.execution.summary,
        measuresTaken: b.execution.measuresTaken,
      },
    };
    const accepted = await this.send(
      org,
      'RecordEmergencyOperation',
      requestId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, requestId, status: 'pending' };
  }

  async vote(
    org: Organisation,
    memberId: string | undefined,
    requestId: string,
    b: VoteBody,
    opts: CommandOptions,
  ): Promise<Voted> {
    const data: CastVote['data'] = {
      requestId,
      memberId: memberId ?? null,
      vote: b.vote,
      reason: b.reason ?? null,
    };
    const accepted = await this.send(org, 'CastVote', requestId, data, opts);
    // The answer shows the request as this vote left it: wait for the read side to get there.
    const doc = await this.queries.findVisibleAtLeast(org, requestId, accepted.version);
    return {
      ...accepted,
      requestId,
      status: doc?.status ?? null,
      approvals: doc?.approvals ?? null,
      denials: doc?.denials ?? null,
      quorum: doc?.quorum ?? null,
    };
  }

  consult(org: Organisation, requestId: string, b: ConsultationBody, opts: CommandOptions) {
    const data: RecordForeignMinisterConsultation['data'] = {
      requestId,
      consultedAt: ms(b.consultedAt),
      summary: b.summary,
    };
    return this.on(org, 'RecordForeignMinisterConsultation', requestId, data, opts);
  }

  execute(org: Organisation, requestId: string, b: ExecutionBody, opts: CommandOptions) {
    const data: ExecuteOperation['data'] = {
      requestId,
      target: b.target,
      startedAt: ms(b.startedAt),
      endedAt: ms(b.endedAt),
      outcome: b.outcome,
      summary: b.summary,
      measuresTaken: b.measuresTaken,
      emergencyReason: b.emergencyReason ?? null,
    };
    return this.on(org, 'ExecuteOperation', requestId, data, opts);
  }

  notify(org: Organisation, requestId: string, summary: string, opts: CommandOptions) {
    const data: NotifyCommission['data'] = { requestId, summary };
    return this.on(org, 'NotifyCommission', requestId, data, opts);
  }

  report(org: Organisation, requestId: string, summary: string, opts: CommandOptions) {
    const data: ReportOperation['data'] = { requestId, summary };
    return this.on(org, 'ReportOperation', requestId, data, opts);
  }

  private operationFields(b: OperationRequestBody) {
    return {
      target: located(b.target),
      justification: b.justification,
      evidence: b.evidence,
      measures: b.measures,
      validFrom: ms(b.validFrom),
      validUntil: ms(b.validUntil),
      primeMinisterOrder: b.primeMinisterOrder
        ? {
            givenAt: ms(b.primeMinisterOrder.givenAt),
            grounds: b.primeMinisterOrder.grounds,
            reference: b.primeMinisterOrder.reference ?? null,
          }
        : null,
      attestation: {
        belowArmedAttackThreshold: b.attestation.belowArmedAttackThreshold,
        justification: b.attestation.justification ?? null,
      },
    };
  }

  private async on(
    org: Organisation,
    type: string,
    requestId: string,
    data: object,
    opts: CommandOptions,
  ): Promise<Accepted & { requestId: string }> {
    return { ...(await this.send(org, type, requestId, data, opts)), requestId };
  }

  private send(
    org: Organisation,
    type: string,
    requestId: string,
    data: object,
    opts: CommandOptions,
    commandId?: string,
  ): Promise<Accepted> {
    return this.sender.send(
      org,
      'oversightCommands',
      `${NS}.${type}`,
      requestId,
      data,
      opts,
      commandId,
    );
  }
}
