import {
  ForbiddenException,
  HttpException,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { deterministicId } from '@acd/event-sourcing';
import { canReadReport, type Organisation, OrganisationDirectory } from '@acd/identity';
import { IndicatorQueries } from '@acd/indicators';
import { ReportingQueries } from '@acd/reporting';
import type {
  ChangeAsset,
  FileReport,
  DesignateOperator,
  DesignationBody,
  IssueCorrectionOrder,
  NotifyAsset,
  OpenComplianceCase,
  OpenIncident,
  RecordProsecutionOutcome,
  ReferToProsecutors,
  RetireAsset,
  ChangeAssetBody,
  FileReportBody,
  IssueOrderBody,
  NotifyAssetBody,
  OpenCaseBody,
  OpenIncidentBody,
  OutcomeBody,
  ReferralBody,
} from '@acd/reporting';
import { notFound, type Accepted } from '../common/command-outcome';
import { CommandSender, partOf, type CommandOptions } from '../common/command-sender';
import { badRequest } from '../common/zod-validation.pipe';
import { IndicatorCommands } from '../indicators/indicator-commands.service';

const NS = 'jp.acd.reporting';
const at = (iso: string | undefined): number | null => (iso ? Date.parse(iso) : null);

export interface Created extends Accepted {
  /** The id of what the command created (incident, report, case, order). */
  createdId: string;
}

/**
 * Builds reporting commands from validated input. Every command addresses one operator's
 * reporting file, so the operator id is the key; ids of new things are derived from the
 * command id, so a retry with the same Idempotency-Key names the same incident or order.
 */
@Injectable()
export class ReportingCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly queries: ReportingQueries,
    private readonly indicators: IndicatorQueries,
    private readonly indicatorCommands: IndicatorCommands,
    private readonly directory: OrganisationDirectory,
  ) {}

  notifyAsset(org: Organisation, b: NotifyAssetBody, opts: CommandOptions): Promise<Accepted> {
    const data: NotifyAsset['data'] = {
      operatorId: org.id,
      assetId: b.assetId,
      name: b.name,
      function: b.function,
      location: b.location,
      vendor: b.vendor,
      product: b.product,
      exposure: b.exposure,
      installedAt: at(b.installedAt),
    };
    return this.send(org, 'NotifyAsset', org.id, data, opts);
  }

  changeAsset(org: Organisation, assetId: string, b: ChangeAssetBody, opts: CommandOptions) {
    const data: ChangeAsset['data'] = { operatorId: org.id, assetId, ...b };
    return this.send(org, 'ChangeAsset', org.id, data, opts);
  }

  retireAsset(org: Organisation, assetId: string, reason: string, opts: CommandOptions) {
    const data: RetireAsset['data'] = { operatorId: org.id, assetId, reason };
    return this.send(org, 'RetireAsset', org.id, data, opts);
  }

  async openIncident(
    org: Organisation,
    b: OpenIncidentBody,
    opts: CommandOptions,
  ): Promise<Created> {
    // Refused before anything is published: the indicators of a call that cannot open an
    // incident must not reach the bus either. (The decider refuses the incident the same way.)
    if (org.kind !== 'operator') {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'only the operator itself may open an incident in its file',
      });
    }
    await this.mustSeeIndicators(org, b.indicatorIds, 'indicatorIds');
    // Indicators published in the same call are published first: an incident never links to
    // an indicator that does not exist. Each has its own idempotency key derived from the call's.
    const published: string[] = [];
    for (const [i, indicator] of b.newIndicators.entries()) {
      const accepted = await this.indicatorCommands.publish(
        org,
        indicator,
        partOf(opts, `#indicator-${i}`, indicator),
      );
      published.push(accepted.id);
    }
    const commandId = this.sender.commandId(org, opts);
    const incidentId = deterministicId('acd:incident', commandId);
    const data: OpenIncident['data'] = {
      operatorId: org.id,
      incidentId,
      title: b.title,
      description: b.description ?? null,
      awareAt: Date.parse(b.awareAt),
      detectedAt: at(b.detectedAt),
      firstSeenAt: at(b.firstSeenAt),
      impact: b.impact,
      status: b.status,
      suspectedActor: b.suspectedActor || null,
      affectedAssets: b.affectedAssets,
      indicatorIds: [...new Set([...b.indicatorIds, ...published])],
      sharedWithPolice: b.sharedWithPolice,
      ransomPaidAt: at(b.ransomPaidAt),
      orderId: b.orderId ?? null,
    };
    const accepted = await this.send(org, 'OpenIncident', org.id, data, opts, commandId);
    return { ...accepted, createdId: incidentId };
  }

  async fileReport(
    org: Organisation,
    incidentId: string,
    b: FileReportBody,
    opts: CommandOptions,
  ): Promise<Created> {
    const operatorId = await this.operatorOf(org, incidentId);
    if (org.kind !== 'operator') {
      // A reader of the incident who is not its operator (the office, a ministry, the police)
      // may not report on it. Refused here rather than by the decider: the processor answers a
      // stale If-Match before deciding, with the version of the operator's whole file, which
      // the police may not read.
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: "only the incident's operator reports on it",
      });
    }
    if (b.indicatorIds) await this.mustSeeIndicators(org, b.indicatorIds, 'indicatorIds');
    const commandId = this.sender.commandId(org, opts);
    const reportId = deterministicId('acd:report', commandId);
    const data: FileReport['data'] = {
      operatorId,
      incidentId,
      reportId,
      stage: b.stage,
      summary: b.summary,
      impact: b.impact ?? null,
      status: b.status ?? null,
      suspectedActor: b.suspectedActor || null,
      affectedAssets: b.affectedAssets ?? null,
      indicatorIds: b.indicatorIds ?? null,
      sharedWithPolice: b.sharedWithPolice ?? null,
      ransomPaidAt: at(b.ransomPaidAt),
    };
    const accepted = await this.send(org, 'FileReport', operatorId, data, opts, commandId);
    return { ...accepted, createdId: reportId };
  }

  async openCase(
    org: Organisation,
    operatorId: string,
    b: OpenCaseBody,
    opts: CommandOptions,
  ): Promise<Created> {
    const operator = await this.fileOf(org, operatorId);
    await this.mustSeeIndicators(org, b.evidenceIndicatorIds, 'evidenceIndicatorIds');
    const commandId = this.sender.commandId(org, opts);
    const caseId = deterministicId('acd:compliance-case', commandId);
    const data: OpenComplianceCase['data'] = {
      operatorId,
      operatorSector: operator.sector ?? '',
      caseId,
      description: b.description,
      evidenceIndicatorIds: b.evidenceIndicatorIds,
    };
    const accepted = await this.send(org, 'OpenComplianceCase', operatorId, data, opts, commandId);
    return { ...accepted, createdId: caseId };
  }

  async designate(
    org: Organisation,
    operatorId: string,
    b: DesignationBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    const operator = await this.fileOf(org, operatorId);
    // Only for the office (the decider refuses anyone else, 403): the registry's sector is the
    // operator's, and a designation naming another would put it under the wrong rules.
    if (org.kind === 'cabinet-office' && operator.sector !== b.sector) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `${operatorId} is registered in the ${operator.sector ?? 'no'} sector`,
        field: 'sector',
      });
    }
    const data: DesignateOperator['data'] = {
      operatorId,
      sector: b.sector,
      designatedAt: Date.parse(b.designatedAt),
      reference: b.reference ?? null,
    };
    return this.send(org, 'DesignateOperator', operatorId, data, opts);
  }

  async issueOrder(
    org: Organisation,
    operatorId: string,
    caseId: string,
    b: IssueOrderBody,
    opts: CommandOptions,
  ): Promise<Created> {
    await this.fileOf(org, operatorId);
    const commandId = this.sender.commandId(org, opts);
    const orderId = deterministicId('acd:correction-order', commandId);
    const data: IssueCorrectionOrder['data'] = {
      operatorId,
      caseId,
      orderId,
      instructions: b.instructions,
      dueAt: Date.parse(b.dueAt),
    };
    const accepted = await this.send(
      org,
      'IssueCorrectionOrder',
      operatorId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, createdId: orderId };
  }

  async referToProsecutors(
    org: Organisation,
    operatorId: string,
    orderId: string,
    b: ReferralBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    await this.fileOf(org, operatorId);
    const data: ReferToProsecutors['data'] = { operatorId, orderId, ...b };
    return this.send(org, 'ReferToProsecutors', operatorId, data, opts);
  }

  async recordOutcome(
    org: Organisation,
    operatorId: string,
    orderId: string,
    b: OutcomeBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    await this.fileOf(org, operatorId);
    const data: RecordProsecutionOutcome['data'] = {
      operatorId,
      orderId,
      outcome: b.outcome,
      fineYen: b.outcome === 'fined' ? b.fineYen : null,
      court: b.court ?? null,
      caseReference: b.caseReference ?? null,
      decidedOn: b.decidedOn,
    };
    return this.send(org, 'RecordProsecutionOutcome', operatorId, data, opts);
  }

  /**
   * The office no longer assesses fines (decision 0033). The old route answers 410 Gone to
   * whoever may read the operator's file, and 404 to anyone else, like every compliance route.
   */
  async penaltyGone(org: Organisation, operatorId: string): Promise<never> {
    await this.fileOf(org, operatorId);
    throw new HttpException(
      {
        statusCode: 410,
        error: 'Gone',
        message:
          'the office no longer assesses fines: a fine is imposed by a court after prosecution. ' +
          'Refer the case with POST /v1/compliance/{operatorId}/orders/{orderId}/referral and ' +
          'record how it ended with POST /v1/compliance/{operatorId}/orders/{orderId}/outcome',
      },
      410,
    );
  }

  /**
   * Whose file an incident is in. An operator reports on its own file (no read-model lookup, so
   * a report right after opening never races the projection); anyone else must be able to read
   * the incident, and one it may not read answers 404 exactly like a missing one.
   */
  private async operatorOf(org: Organisation, incidentId: string): Promise<string> {
    if (org.kind === 'operator') return org.id;
    const doc = await this.queries.findIncident(org, incidentId);
    if (!doc) throw notFound();
    return doc.operatorId;
  }

  /**
   * The operator whose compliance file a command addresses, for a caller who may read that file
   * (the office, the ministry supervising the operator's sector, the operator itself). For
   * anyone else an operator that exists answers exactly like one that does not: 404, before any
   * command is sent, so neither the file's version nor its existence reaches them. A reader who
   * may not act (a ministry, the operator) is then refused by the decider: 403.
   */
  private async fileOf(org: Organisation, operatorId: string): Promise<Organisation> {
    const operator = await this.directory.byId(operatorId);
    const readable =
      operator?.kind === 'operator' &&
      canReadReport(org, { operatorId, sector: operator.sector ?? null, sharedWithPolice: false });
    if (!operator || !readable) throw notFound();
    return operator;
  }

  private async mustSeeIndicators(org: Organisation, ids: string[], field: string): Promise<void> {
    const found = await Promise.all(ids.map((id) => this.indicators.findVisible(org, id)));
    const missing = ids.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      throw badRequest([{ field, reason: `unknown indicator(s): ${missing.join(', ')}` }]);
    }
  }

  private send(
    org: Organisation,
    type: string,
    operatorId: string,
    data: object,
    opts: CommandOptions,
    commandId?: string,
  ): Promise<Accepted> {
    return this.sender.send(
      org,
      'reportingCommands',
      `${NS}.${type}`,
      operatorId,
      data,
      opts,
      commandId,
    );
  }
}
