import { Injectable } from '@nestjs/common';
import { loadConfig } from '@acd/config';
import {
  indicatorSchema,
  publishableIndicatorValue,
  type IndicatorBreadth,
  type PublishIndicator,
} from '@acd/indicators';
import type { Organisation } from '@acd/identity';
import { OrganisationDirectory } from '@acd/identity';
import { CouncilStanding } from '../auth/council-standing';
import { BusIds } from '../common/bus-ids';
import type { Accepted } from '../common/command-outcome';
import { CommandSender, type CommandOptions } from '../common/command-sender';
import { badRequest } from '../common/zod-validation.pipe';
import type { PublishIndicatorBody } from '@acd/indicators';

const NS = 'jp.acd.indicator';

/**
 * Builds indicator commands from validated input and awaits their outcome on the bus. Whether the
 * caller may act on an indicator, or even see it, is the processor's decision from the log (an
 * indicator it may not read answers exactly like a missing one, 404): a read model that has not
 * caught up with a publish never refuses the revoke that follows it.
 */
@Injectable()
export class IndicatorCommands {
  /** How broad an indicator may be (ACD_INDICATOR_MIN_PREFIX_V4/V6), as the decider applies it. */
  private readonly breadth: IndicatorBreadth = loadConfig(indicatorSchema);

  constructor(
    private readonly sender: CommandSender,
    private readonly directory: OrganisationDirectory,
    private readonly ids: BusIds,
    private readonly council: CouncilStanding,
  ) {}

  async publish(
    caller: Organisation,
    body: PublishIndicatorBody,
    opts: CommandOptions,
  ): Promise<Accepted> {
    const org = await this.council.sharerOf(caller, body.audience.council);
    // Normalised, and never so broad that it matches everything (a default route, a TLD).
    const normalised = publishableIndicatorValue(body.type, body.value, this.breadth);
    if (!normalised.ok) throw badRequest([{ field: 'value', reason: normalised.reason }]);
    await this.audienceExists(org, body.audience.orgs);
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
    return this.send(org, `${NS}.RevokeIndicator`, id, { indicatorId: id, reason }, opts);
  }

  async sight(
    org: Organisation,
    id: string,
    s: { observedAt?: string; count: number; note?: string },
    opts: CommandOptions,
  ): Promise<Accepted> {
    const data = {
      indicatorId: id,
      observedAt: s.observedAt ? Date.parse(s.observedAt) : Date.now(),
      count: s.count,
      note: s.note ?? null,
    };
    return this.send(org, `${NS}.RecordSighting`, id, data, opts);
  }

  /**
   * Named audience organisations are checked against the directory only for the cabinet office,
   * which keeps the directory and knows every organisation anyway. Anyone else is answered the
   * same whether an id names an organisation or not (the form of each id is checked for all),
   * so publishing is no way to learn which organisations exist: an id naming none is kept as
   * written and lets nobody read the indicator.
   */
  private async audienceExists(org: Organisation, ids: string[]): Promise<void> {
    if (org.kind !== 'cabinet-office' || ids.length === 0) return;
    const found = await Promise.all(ids.map((id) => this.directory.byId(id)));
    const unknown = ids.filter((_, i) => !found[i]);
    if (unknown.length > 0) {
      throw badRequest([
        { field: 'audience.orgs', reason: `unknown organisation(s): ${unknown.join(', ')}` },
      ]);
    }
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
