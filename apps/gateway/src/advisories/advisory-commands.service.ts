import {
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  ADVISORY_ISSUER_KINDS,
  type AcknowledgeAdvisory,
  type AdvisoryAudience,
  type IssueAdvisory,
  type UpdateAdvisory,
  type WithdrawAdvisory,
  AdvisoryQueries,
  type AdvisoryDoc,
} from '@acd/advisories';
import { deterministicId } from '@acd/event-sourcing';
import { canRead, canReadReport, type Organisation, type Tlp } from '@acd/identity';
import { IndicatorQueries } from '@acd/indicators';
import { ReportingQueries } from '@acd/reporting';
import { CouncilStanding } from '../auth/council-standing';
import type { Accepted } from '../common/command-outcome';
import { CommandSender, type CommandOptions } from '../common/command-sender';
import { badRequest } from '../common/zod-validation.pipe';
import type { IssueAdvisoryBody, UpdateAdvisoryBody } from '@acd/advisories';

const NS = 'jp.acd.advisory';
/** How long an update that changes an advisory's readers waits for the read model to show it. */
const READ_MODEL_WAIT_MS = 2_000;

export interface Issued extends Accepted {
  advisoryId: string;
}

interface Related {
  tlp: Tlp;
  audience: AdvisoryAudience;
  indicatorIds: string[];
  incidentIds: string[];
}

/**
 * Builds advisory commands from validated input. The advisory id is derived from the command id,
 * so a retry with the same Idempotency-Key names the same advisory. Before an advisory names
 * related indicators or incidents, every organisation that will read it (the issuer, the office
 * and its audience, resolved from the directory) must be able to read each of them: an advisory
 * never becomes a way to see what its readers may not. That holds when it is issued; what a
 * reader is shown later is cut again to what it may read then (`presentAdvisory`).
 */
@Injectable()
export class AdvisoryCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly advisories: AdvisoryQueries,
    private readonly indicators: IndicatorQueries,
    private readonly reporting: ReportingQueries,
    private readonly council: CouncilStanding,
  ) {}

  async issue(caller: Organisation, b: IssueAdvisoryBody, opts: CommandOptions): Promise<Issued> {
    const org = await this.council.sharerOf(caller, b.audience.council);
    // Only for those who may issue; anyone else is refused by the decider (403) whatever the
    // body says. The check resolves the audience from the directory and names a reader who
    // could not read a related item: run for a caller who may not issue, it would tell an
    // outsider which organisations exist. An issuer learns its audience anyway (it is shown
    // who acknowledged and who has not).
    if ((ADVISORY_ISSUER_KINDS as readonly string[]).includes(org.kind)) {
      await this.relatedVisibleToEveryReader(org, { ...b, issuerOrgId: org.id });
    }
    const commandId = this.sender.commandId(org, opts);
    const advisoryId = deterministicId('acd:advisory', commandId);
    const data: IssueAdvisory['data'] = {
      advisoryId,
      title: b.title,
      summary: b.summary,
      severity: b.severity,
      tlp: b.tlp,
      audience: b.audience,
      indicatorIds: b.indicatorIds,
      incidentIds: b.incidentIds,
      recommendedActions: b.recommendedActions,
      expiresAt: Date.parse(b.expiresAt),
    };
    const accepted = await this.send(org, 'IssueAdvisory', advisoryId, data, opts, commandId);
    return { ...accepted, advisoryId };
  }

  async update(
    caller: Organisation,
    id: string,
    b: UpdateAdvisoryBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    const org = await this.council.sharerOf(caller, b.audience?.council === true);
    // Whether the advisory exists for the caller, and whether the caller may update it, is the
    // decider's call from the log (404 for a non-reader, 403 for a reader who did not issue it).
    // Only what the issuer relates to it is checked here, against every reader, and that needs
    // the advisory's current audience when the update does not replace all of it.
    const current = (ADVISORY_ISSUER_KINDS as readonly string[]).includes(org.kind)
      ? await this.currentForRelatedCheck(org, id, b)
      : null;
    if (current && current.issuerOrgId === org.id) {
      await this.relatedVisibleToEveryReader(org, {
        issuerOrgId: current.issuerOrgId,
        tlp: b.tlp ?? (current.tlp as Tlp),
        audience: b.audience ?? current.audience,
        indicatorIds: b.indicatorIds ?? current.indicatorIds,
        incidentIds: b.incidentIds ?? current.incidentIds,
      });
    }
    const data: UpdateAdvisory['data'] = {
      advisoryId: id,
      title: b.title ?? null,
      summary: b.summary ?? null,
      severity: b.severity ?? null,
      tlp: b.tlp ?? null,
      audience: b.audience ?? null,
      indicatorIds: b.indicatorIds ?? null,
      incidentIds: b.incidentIds ?? null,
      recommendedActions: b.recommendedActions ?? null,
      expiresAt: b.expiresAt ? Date.parse(b.expiresAt) : null,
    };
    return this.send(org, 'UpdateAdvisory', id, data, opts);
  }

  async withdraw(
    org: Organisation,
    id: string,
    reason: string,
    opts: CommandOptions,
  ): Promise<Accepted> {
    const data: WithdrawAdvisory['data'] = { advisoryId: id, reason };
    return this.send(org, 'WithdrawAdvisory', id, data, opts);
  }

  /** The decider decides readership itself (a non-reader is answered 404), so no lookup here. */
  acknowledge(org: Organisation, id: string, opts: CommandOptions): Promise<Accepted> {
    const data: AcknowledgeAdvisory['data'] = { advisoryId: id };
    return this.send(org, 'AcknowledgeAdvisory', id, data, opts);
  }

  /**
   * The advisory as the read model has it, when an update changes what it relates to or who
   * reads it (otherwise there is nothing to check: null, and the update goes straight to the
   * processor). An advisory the read model does not show the caller yet (just issued, or not
   * there at all, or not the caller's to read: the gateway cannot tell these apart) is waited for
   * a short while, then answered 503 (retry with the same key), never 404: whether an advisory
   * exists is the processor's to say, not a read model's that may lag. All three cases get the
   * same wait and the same answer.
   */
  private async currentForRelatedCheck(
    org: Organisation,
    id: string,
    b: UpdateAdvisoryBody,
  ): Promise<AdvisoryDoc | null> {
    const touchesReaders =
      b.tlp !== undefined ||
      b.audience !== undefined ||
      b.indicatorIds !== undefined ||
      b.incidentIds !== undefined;
    if (!touchesReaders) return null;
    const deadline = Date.now() + READ_MODEL_WAIT_MS;
    for (;;) {
      const doc = await this.advisories.findVisible(org, id);
      if (doc) return doc;
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableException({
          statusCode: 503,
          error: 'Service Unavailable',
          message:
            'the advisory is not readable yet to check what it relates to; retry in a moment with the same Idempotency-Key',
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async relatedVisibleToEveryReader(
    org: Organisation,
    r: Related & { issuerOrgId: string },
  ): Promise<void> {
    if (r.indicatorIds.length === 0 && r.incidentIds.length === 0) return;
    const readers = await this.advisories.readersOf(r);
    if (!readers.some((o) => o.id === org.id)) readers.push(org);

    const indicators = await Promise.all(
      r.indicatorIds.map((id) => this.indicators.findVisible(org, id)),
    );
    const unknownIndicators = r.indicatorIds.filter((_, i) => !indicators[i]);
    if (unknownIndicators.length > 0) {
      throw badRequest([
        { field: 'indicatorIds', reason: `unknown indicator(s): ${unknownIndicators.join(', ')}` },
      ]);
    }
    for (const doc of indicators) {
      if (!doc) continue;
      const item = {
        publisherOrgId: doc.publisherOrgId,
        tlp: doc.tlp as Tlp,
        audience: doc.audience as never,
      };
      const blind = readers.find((reader) => !canRead(reader, item));
      if (blind) throw hiddenFromReader('indicatorIds', 'indicator', doc._id, blind);
    }

    const incidents = await Promise.all(
      r.incidentIds.map((id) => this.reporting.findIncident(org, id)),
    );
    const unknownIncidents = r.incidentIds.filter((_, i) => !incidents[i]);
    if (unknownIncidents.length > 0) {
      throw badRequest([
        { field: 'incidentIds', reason: `unknown incident(s): ${unknownIncidents.join(', ')}` },
      ]);
    }
    for (const doc of incidents) {
      if (!doc) continue;
      const item = {
        operatorId: doc.operatorId,
        sector: doc.sector,
        sharedWithPolice: doc.sharedWithPolice,
      };
      const blind = readers.find((reader) => !canReadReport(reader, item));
      if (blind) throw hiddenFromReader('incidentIds', 'incident', doc._id, blind);
    }
  }

  private send(
    org: Organisation,
    type: string,
    advisoryId: string,
    data: object,
    opts: CommandOptions,
    commandId?: string,
  ): Promise<Accepted> {
    return this.sender.send(
      org,
      'advisoryCommands',
      `${NS}.${type}`,
      advisoryId,
      data,
      opts,
      commandId,
    );
  }
}

function hiddenFromReader(
  field: string,
  what: string,
  id: string,
  reader: Organisation,
): UnprocessableEntityException {
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `${what} ${id} is not readable by every reader of the advisory (not by ${reader.id}); narrow the audience or leave it out`,
    field,
    id,
  });
}
