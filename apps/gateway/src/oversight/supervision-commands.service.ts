import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { deterministicId } from '@acd/event-sourcing';
import { OrganisationDirectory, type Organisation } from '@acd/identity';
import type {
  AnswerInspection,
  AnswerRecommendation,
  ConcludeInspection,
  DemandDisciplinaryAction,
  DisciplinaryDemandBody,
  FindingsBody,
  InspectionBody,
  IssueRecommendation,
  OpenInspection,
  RecommendationBody,
  ReportDisciplinaryAction,
} from '@acd/oversight';
import type { Accepted } from '../common/command-outcome';
import { CommandSender, type CommandOptions } from '../common/command-sender';

const NS = 'jp.acd.oversight';

export interface SupervisionAccepted extends Accepted {
  agencyId: string;
  id: string;
}

/**
 * Builds the commands of an agency's supervision file. Item ids derive from the command id, so
 * a retry with the same Idempotency-Key names the same item. Who may act, and whether an item
 * exists for the caller at all (404), is the decider's call on the file; the edge adds only the
 * agency's kind from the registry, and only for the commission (for anyone else it would tell
 * which organisations exist, and the decider refuses them, 403, whatever the agency).
 */
@Injectable()
export class SupervisionCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly directory: OrganisationDirectory,
  ) {}

  private async agencyKind(org: Organisation, agencyId: string): Promise<string> {
    if (org.kind !== 'oversight-commission') return '';
    const agency = await this.directory.byId(agencyId);
    if (!agency) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `${agencyId} is not a registered organisation`,
        field: 'agencyId',
      });
    }
    return agency.kind;
  }

  async openInspection(org: Organisation, agencyId: string, b: InspectionBody, o: CommandOptions) {
    const agencyKind = await this.agencyKind(org, agencyId);
    const commandId = this.sender.commandId(org, o);
    const inspectionId = deterministicId('acd:oversight-inspection', commandId);
    const data: OpenInspection['data'] = {
      agencyId,
      memberId: o.subject ?? null,
      inspectionId,
      agencyKind,
      scope: b.scope,
    };
    return this.send(org, 'OpenInspection', agencyId, inspectionId, data, o, commandId);
  }

  answerInspection(
    org: Organisation,
    agencyId: string,
    id: string,
    answer: string,
    o: CommandOptions,
  ) {
    const data: AnswerInspection['data'] = { agencyId, inspectionId: id, answer };
    return this.send(org, 'AnswerInspection', agencyId, id, data, o);
  }

  concludeInspection(
    org: Organisation,
    agencyId: string,
    id: string,
    b: FindingsBody,
    o: CommandOptions,
  ) {
    const data: ConcludeInspection['data'] = {
      agencyId,
      memberId: o.subject ?? null,
      inspectionId: id,
      conclusion: b.conclusion,
      findings: b.findings,
    };
    return this.send(org, 'ConcludeInspection', agencyId, id, data, o);
  }

  async recommend(org: Organisation, agencyId: string, b: RecommendationBody, o: CommandOptions) {
    const agencyKind = await this.agencyKind(org, agencyId);
    const commandId = this.sender.commandId(org, o);
    const recommendationId = deterministicId('acd:oversight-recommendation', commandId);
    const data: IssueRecommendation['data'] = {
      agencyId,
      memberId: o.subject ?? null,
      recommendationId,
      agencyKind,
      inspectionId: b.inspectionId ?? null,
      recommendation: b.recommendation,
    };
    return this.send(org, 'IssueRecommendation', agencyId, recommendationId, data, o, commandId);
  }

  answerRecommendation(
    org: Organisation,
    agencyId: string,
    id: string,
    answer: string,
    o: CommandOptions,
  ) {
    const data: AnswerRecommendation['data'] = { agencyId, recommendationId: id, answer };
    return this.send(org, 'AnswerRecommendation', agencyId, id, data, o);
  }

  async demand(org: Organisation, agencyId: string, b: DisciplinaryDemandBody, o: CommandOptions) {
    const agencyKind = await this.agencyKind(org, agencyId);
    const commandId = this.sender.commandId(org, o);
    const demandId = deterministicId('acd:oversight-disciplinary-demand', commandId);
    const data: DemandDisciplinaryAction['data'] = {
      agencyId,
      memberId: o.subject ?? null,
      demandId,
      agencyKind,
      inspectionId: b.inspectionId ?? null,
      leak: b.leak,
      demand: b.demand,
    };
    return this.send(org, 'DemandDisciplinaryAction', agencyId, demandId, data, o, commandId);
  }

  reportAction(
    org: Organisation,
    agencyId: string,
    id: string,
    actionTaken: string,
    o: CommandOptions,
  ) {
    const data: ReportDisciplinaryAction['data'] = { agencyId, demandId: id, actionTaken };
    return this.send(org, 'ReportDisciplinaryAction', agencyId, id, data, o);
  }

  private async send(
    org: Organisation,
    type: string,
    agencyId: string,
    id: string,
    data: object,
    opts: CommandOptions,
    commandId?: string,
  ): Promise<SupervisionAccepted> {
    const accepted = await this.sender.send(
      org,
      'oversightCommands',
      `${NS}.${type}`,
      agencyId,
      data,
      opts,
      commandId,
    );
    return { ...accepted, agencyId, id };
  }
}
