import { z } from 'zod';

export const trafficSchema = z.object({
  /** Largest JSON body of `POST /v1/traffic/flow-batches` (its own limit; the global one stays small). */
  ACD_FLOW_BATCH_MAX_BODY: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size like 8mb')
    .default('8mb'),
  /** Most flow records in one submission; more answers 413. */
  ACD_FLOW_BATCH_MAX_FLOWS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Most flows in one record on acd.traffic.flows.v1. */
  ACD_FLOW_CHUNK_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
  // Retention of acquired communications information, one setting per category (see
  // TRAFFIC_DATA_CATEGORIES). The Act leaves retention periods to its implementing rules, which
  // fix none yet: every default below is an ASSUMPTION of this project, to be replaced by the
  // period the rules set. Deletion when due is recorded (`TrafficDataDeleted`) before it happens.
  /**
   * `flows`: raw flow metadata batches on acd.traffic.flows.v1 (and its DLQ). Assumption: 7 days,
   * long enough for the matcher to catch up after an outage of a few days, no longer. The topics'
   * retention.ms is set to this at every start of apps/traffic, so Kafka never keeps them longer.
   */
  ACD_TRAFFIC_FLOWS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(7),
  /**
   * `events`: submission and match events on acd.traffic.events.v1 (and its DLQ), from which the
   * read models are rebuilt. Assumption: 90 days, as the read models; kept shorter, a rebuild
   * restores only what is left. Its topics' retention.ms follows it like the flows'.
   */
  ACD_TRAFFIC_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /**
   * `submissions`: the flow-submissions read model (the telecom's submission summaries, read by it,
   * the office and the commission). Assumption: 90 days.
   */
  ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /**
   * `matches`: the flow-matches read model (analysis results, read by the office and the
   * commission, citable as evidence). Assumption: 90 days, as submissions.
   */
  ACD_TRAFFIC_MATCHES_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** Most flow records the matcher handles in one Kafka transaction (smaller: less redone after a crash). */
  ACD_FLOW_MATCH_MAX_TRANSACTION: z.coerce.number().int().min(1).max(1_000).default(50),
  /** How often the retention sweeper looks for items past their retention (and deletes them). */
  ACD_TRAFFIC_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
});

export type TrafficConfig = z.infer<typeof trafficSchema>;

/** The retention settings, one per category of acquired communications information. */
export type TrafficRetention = Pick<
  TrafficConfig,
  | 'ACD_TRAFFIC_FLOWS_RETENTION_DAYS'
  | 'ACD_TRAFFIC_EVENTS_RETENTION_DAYS'
  | 'ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS'
  | 'ACD_TRAFFIC_MATCHES_RETENTION_DAYS'
>;
