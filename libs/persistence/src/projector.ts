import type { BusLogger } from '@acd/messaging';
import { advisoryProjection } from './advisories/advisory.projection';
import { CheckpointStore } from './checkpoints';
import { indicatorProjection } from './indicators/indicator.projection';
import { organisationProjection } from './organisations/organisation.projection';
import { oversightRequestProjection } from './oversight/oversight-request.projection';
import type { Projection, ReadModelDoc } from './projection';
import { ProjectionRunner } from './projection-runner';
import { assetProjection } from './reporting/asset.projection';
import { incidentProjection } from './reporting/incident.projection';
import { reportingFileProjection } from './reporting/reporting-file.projection';
import type { Runtime } from './runtime';
import { flowMatchProjection, flowSubmissionProjection } from './traffic/traffic.projection';

// Erased to the common shape: the runner never looks inside event or document types.
export const PROJECTIONS = [
  organisationProjection,
  indicatorProjection,
  incidentProjection,
  assetProjection,
  reportingFileProjection,
  advisoryProjection,
  oversightRequestProjection,
  flowSubmissionProjection,
  flowMatchProjection,
] as unknown as Projection<unknown, ReadModelDoc>[];

/** Every read model kept up to date in one process, sharing one dead-letter producer. */
export async function startProjectors(
  rt: Runtime,
  logger: BusLogger,
  maxBatch?: number,
): Promise<{ runners: ProjectionRunner<unknown, ReadModelDoc>[]; stop(): Promise<void> }> {
  const dlq = rt.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await dlq.connect();
  const checkpoints = new CheckpointStore(rt.mongo);
  const runners = PROJECTIONS.map(
    (p) =>
      new ProjectionRunner(
        rt.kafka,
        rt.topics,
        rt.codec,
        rt.db,
        checkpoints,
        p,
        dlq,
        logger,
        maxBatch,
      ),
  );
  for (const r of runners) await r.start();
  return {
    runners,
    async stop() {
      for (const r of runners) await r.stop();
      await dlq.disconnect();
    },
  };
}
