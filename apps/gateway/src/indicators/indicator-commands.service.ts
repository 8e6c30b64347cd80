import { Injectable, NotFoundException } from '@nestjs/common';
import type { Organisation } from '@acd/identity';
import { normaliseIndicatorValue, type PublishIndicator } from '@acd/indicators-domain';
import { IndicatorQueries, OrganisationDirectory } from '@acd/persistence';
import { BusIds } from '../common/bus-ids';
import type { Accepted } from '../common/command-outcome';
import { CommandSender, type CommandOptions } from '../common/command-sender';
import { badRequest } from '../common/zod-validation.pipe';
import type { PublishIndicatorBody } from './indicator.schemas';

const NS = 'jp.acd.indicator';

/** Builds indicator commands from validated input and awaits their outcome on the bus. */
@Injectable()
export class IndicatorCommands {
  constructor(
    private readonly sender: CommandSender,
    private readonly queries: IndicatorQueries,
    private readonly directory: OrganisationDirectory,
    private readonly ids: BusIds,
  ) {}

  async publish(
    org: Organisation,
    body: PublishIndicatorBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    const normalised = normaliseIndicatorValue(body.type, body.value);
    if (!normalised.ok) throw badRequest([{ field: 'value', reason: normalised.reason }]);
    const unknown = await this.unknownOrgs(body.audience.orgs);
    if (unknown.length > 0) {
      throw badRequest([
        { field: 'audience.orgs', reason: `unknown organisation(s): ${unknown.join(', ')}` },
      ]);
    }
    const indicatorId = this.ids.indicator(org.id, body.type, normalised.value);
    const data: PublishIndicator['data'] = {
      indicatorId,
      indicatorType: body.type,
      value: normalised.value,
      tlp: body.tlp,
      audience: body.audience,
      confidence: body.confidence,
      validFrom: body.validFrom ? Date.parse(body.validFrom) : null,
      validUntil: body.validUntil ? Date.parse(body.validUntil) : null,
      description: body.description ?? null,
      cves: body.cves,
      killChainPhases: body.killChainPhases,
      disclosePublisher: body.disclosePublisher,
    };
    return this.send(org, `${NS}.PublishIndicator`, indicatorId, data, opts);
  }

  async revoke(
    org: Organisation,
    id: string,
    reason: string,
    opts: CommandOptions,
  ): Promise<Accepted> {
    await this.mustSee(org, id);
    return this.send(org, `${NS}.RevokeIndicator`, id, { indicatorId: id, reason }, opts);
  }

  async sight(
    org: Organisation,
    id: string,
    s: { observedAt?: string; count: number; note?: string },
    opts: CommandOptions,
  ): Promise<Accepted> {
    await this.mustSee(org, id);
    const data = {
      indicatorId: id,
      observedAt: s.observedAt ? Date.parse(s.observedAt) : Date.now(),
      count: s.count,
      note: s.note ?? null,
    };
    return this.send(org, `${NS}.RecordSighting`, id, data, opts);
  }

  /** An indicator the caller may not read does not exist for it: 404, never 403. */
  private async mustSee(org: Organisation, id: string): Promise<void> {
    if (!(await this.queries.findVisible(org, id))) throw new NotFoundException('not found');
  }

  private async unknownOrgs(ids: string[]): Promise<string[]> {
    const found = await Promise.all(ids.map((id) => this.directory.byId(id)));
    return ids.filter((_, i) => !found[i]);
  }

  private send(
    org: Organisation,
    schema: string,
    aggregateId: string,
    data: object,
    opts: CommandOptions,
  ): Promise<Accepted> {
    return this.sender.send(org, 'indicatorCommands', schema, aggregateId, data, opts);
  }
}
