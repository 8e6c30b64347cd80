import { Module } from '@nestjs/common';
import { AgreementQueries, CollectionAuthorisationLookup } from '@acd/oversight';
import { TrafficQueries } from '@acd/traffic';
import { type Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';
import { FlowBatchBodyLimit } from './flow-batch-body';
import { FlowBatchPublisher } from './flow-batch-publisher';
import { FlowSubmissions } from './flow-submissions.service';
import { TrafficController } from './traffic.controller';

/** Cross-border flow metadata at the edge: submissions in, submissions and matches out. */
@Module({
  controllers: [TrafficController],
  providers: [
    FlowBatchBodyLimit,
    FlowBatchPublisher,
    FlowSubmissions,
    {
      provide: TrafficQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new TrafficQueries(rt.db),
    },
    {
      provide: CollectionAuthorisationLookup,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new CollectionAuthorisationLookup(rt.db),
    },
    {
      provide: AgreementQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new AgreementQueries(rt.db),
    },
  ],
  // Operation requests check that a cited flow match exists.
  exports: [TrafficQueries],
})
export class TrafficModule {}
