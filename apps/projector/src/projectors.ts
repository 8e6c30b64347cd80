import type { BusLogger } from '@acd/messaging';
import { advisoryProjection } from '@acd/advisories';
import { CheckpointStore, ProjectionRunner } from '@acd/persistence';
import { indicatorProjection, indicatorStixProjection } from '@acd/indicators';
import { memberTokenProjection, organisationProjection } from '@acd/identity';
import {
  agreementProjection,
  councilMemberProjection,
  councilProjection,
  oversightRequestProjection,
  supervisionProjection,
} from '@acd/oversight';
import type { Projection, ReadModelDoc } from '@acd/persistence';
import { assetProjection, incidentProjection, reportingFileProjection } from '@acd/reporting';
import type { Runtime } from '@acd/runtime';
import { flowMatchProjection, flowSubmissionProjection } from '@acd/traffic';

// Erased to the common shape: the runner never looks inside event or document types. The
// traffic read models are deleted at their retention by apps/traffic's sweeper, which records
// each deletion first.
export const PROJECTIONS = [
  organisationProjection,
  memberTokenProjection,
  indicatorProjection,
  indicatorStixProjection,
  incidentProjection,
  assetProjection,
  reportingFileProjection,
  advisoryProjection,
  oversightRequestProjection,
  supervisionProjection,
  agreementProjection,
  councilProjection,
  councilMemberProjection,
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
  const checkpoints = new CheckpointStore(rt.db);
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
