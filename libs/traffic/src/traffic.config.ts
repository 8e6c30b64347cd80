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
  /** How long the telecom's submission summaries stay readable. */
  ACD_TRAFFIC_SUBMISSIONS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** How long metadata matches stay readable to the cabinet office and the commission. */
  ACD_TRAFFIC_MATCHES_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  /** Most flow records the matcher handles in one Kafka transaction (smaller: less redone after a crash). */
  ACD_FLOW_MATCH_MAX_TRANSACTION: z.coerce.number().int().min(1).max(1_000).default(50),
  /** How often expired read-model documents are deleted (FerretDB v1 has no TTL indexes). */
  ACD_TRAFFIC_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
});

export type TrafficConfig = z.infer<typeof trafficSchema>;
