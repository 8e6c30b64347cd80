import { commandIdFor, type Principal } from '@acd/event-sourcing';
import { indicatorIdFor, type IndicatorType } from '@acd/indicators';
import { flowBatchIdFor } from '@acd/traffic';
import { randomBytes } from 'node:crypto';

/**
 * The ids the gateway mints, keyed with the bus's id key (ACD_ID_KEY): stable for the same
 * input, so a retry or a republish lands on the same aggregate, yet no reader can recompute one
 * from the fields it was made of (which organisation, which indicator value, which client key).
 * Every gateway instance of a bus must hold the same key.
 */
export class BusIds {
  constructor(private readonly key: string) {}

  static withRandomKey(): BusIds {
    return new BusIds(randomBytes(32).toString('base64url'));
  }

  command(who: Principal, idempotencyKey: string): string {
    return commandIdFor(this.key, who, idempotencyKey);
  }

  flowBatch(telecomOrgId: string, idempotencyKey: string): string {
    return flowBatchIdFor(this.key, telecomOrgId, idempotencyKey);
  }

  indicator(publisherOrgId: string, type: IndicatorType, value: string): string {
    return indicatorIdFor(this.key, publisherOrgId, type, value);
  }
}
