import type { Db, Filter } from 'mongodb';
import type { BusLogger } from '@acd/messaging';
import {
  flowMatchProjection,
  flowSubmissionProjection,
  type TrafficRetention,
} from './traffic.projection';
import type { FlowMatchDoc, FlowSubmissionDoc } from './traffic.read-model';

const DAY_MS = 86_400_000;

/**
 * Deletes traffic read-model documents past their retention. MongoDB's TTL index does the same
 * on its own, but FerretDB v1.24 refuses TTL indexes, so this runs everywhere; on MongoDB it
 * merely finds less to do. Idempotent: two sweepers at once delete the same documents once.
 */
export async function sweepExpiredTraffic(
  db: Db,
  retention: TrafficRetention,
  now: Date,
): Promise<{ submissions: number; matches: number }> {
  const before = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
  const submissions = await db
    .collection<FlowSubmissionDoc>(flowSubmissionProjection.collection)
    .deleteMany({
      receivedAt: { $lt: before(retention.ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS) },
    } as Filter<FlowSubmissionDoc>);
  const matches = await db.collection<FlowMatchDoc>(flowMatchProjection.collection).deleteMany({
    matchedAt: { $lt: before(retention.ACD_TRAFFIC_MATCHES_RETENTION_DAYS) },
  } as Filter<FlowMatchDoc>);
  return { submissions: submissions.deletedCount, matches: matches.deletedCount };
}

/** Runs the sweep now and then every `intervalMs`, until stopped; a failed sweep is retried next time. */
export class TrafficRetentionSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly retention: TrafficRetention,
    private readonly intervalMs: number,
    private readonly logger: BusLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.sweepOnce().finally(() => {
        this.running = undefined;
      });
    };
    tick();
    this.timer = setInterval(() => {
      if (!this.running) tick();
    }, this.intervalMs);
    this.timer.unref();
  }

  async sweepOnce(): Promise<void> {
    try {
      const deleted = await sweepExpiredTraffic(this.db, this.retention, this.clock());
      if (deleted.submissions + deleted.matches > 0) {
        this.logger.info('expired traffic documents deleted', deleted);
      }
    } catch (err) {
      this.logger.warn('traffic retention sweep failed; retried at the next interval', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
