import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { gatewaySchema, loadConfig, type GatewayConfig } from '@acd/config';
import { CommandBus } from '@acd/messaging';
import { PublisherNames } from '../indicators/publisher-names';
import { BusIds } from '../common/bus-ids';
import { IndicatorAggregates, IndicatorQueries, IndicatorStixQueries } from '@acd/indicators';
import { openRuntime, type Runtime } from '@acd/runtime';
import { OrganisationDirectory } from '@acd/identity';
import { ReportingQueries } from '@acd/reporting';
import { AdvisoryQueries } from '@acd/advisories';
import { ReferenceLookup } from '../common/reference.lookup';
import { CouncilStanding } from '../auth/council-standing';
import {
  AgreementQueries,
  CouncilQueries,
  OversightQueries,
  SupervisionQueries,
} from '@acd/oversight';
import { TrafficAggregates } from '@acd/traffic';

export const RUNTIME = Symbol('RUNTIME');
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

@Injectable()
export class BusLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('bus');

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly bus: CommandBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.bus.start();
    this.logger.log(`command bus ready (instance ${this.bus.instanceId})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.stop();
    await this.runtime.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: (): GatewayConfig => loadConfig(gatewaySchema) },
    { provide: RUNTIME, useFactory: () => openRuntime('gateway') },
    {
      provide: CommandBus,
      inject: [RUNTIME, GATEWAY_CONFIG],
      useFactory: (rt: Runtime, cfg: GatewayConfig) => {
        const logger = new Logger('command-bus');
        return new CommandBus(
          rt.kafka,
          rt.topics,
          rt.codec,
          {
            info: (m, meta) => logger.log(meta ? `${m} ${JSON.stringify(meta)}` : m),
            warn: (m, meta) => logger.warn(meta ? `${m} ${JSON.stringify(meta)}` : m),
            error: (m, meta) => logger.error(meta ? `${m} ${JSON.stringify(meta)}` : m),
          },
          cfg.ACD_COMMAND_TIMEOUT_MS,
        );
      },
    },
    {
      provide: IndicatorQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new IndicatorQueries(rt.db),
    },
    {
      provide: IndicatorStixQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new IndicatorStixQueries(rt.db),
    },
    {
      provide: IndicatorAggregates,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new IndicatorAggregates(rt.db),
    },
    {
      provide: TrafficAggregates,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new TrafficAggregates(rt.db),
    },
    {
      provide: PublisherNames,
      inject: [GATEWAY_CONFIG],
      useFactory: (cfg: GatewayConfig) => {
        if (cfg.ACD_PSEUDONYM_KEY) return new PublisherNames(cfg.ACD_PSEUDONYM_KEY);
        new Logger('pseudonyms').warn(
          'ACD_PSEUDONYM_KEY is not set: publisher pseudonyms use a random key and change on restart',
        );
        return PublisherNames.withRandomKey();
      },
    },
    {
      provide: BusIds,
      inject: [GATEWAY_CONFIG],
      useFactory: (cfg: GatewayConfig) => {
        if (cfg.ACD_ID_KEY) return new BusIds(cfg.ACD_ID_KEY);
        new Logger('ids').warn(
          'ACD_ID_KEY is not set: ids are keyed with a random key, so a republish after a restart opens a new indicator',
        );
        return BusIds.withRandomKey();
      },
    },
    {
      provide: ReportingQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new ReportingQueries(rt.db),
    },
    {
      provide: AdvisoryQueries,
      inject: [RUNTIME, CouncilStanding],
      useFactory: (rt: Runtime, council: CouncilStanding) =>
        new AdvisoryQueries(rt.db, () => council.boundMembers()),
    },
    {
      provide: ReferenceLookup,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new ReferenceLookup(rt.db),
    },
    {
      provide: OversightQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new OversightQueries(rt.db),
    },
    {
      provide: SupervisionQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new SupervisionQueries(rt.db),
    },
    {
      provide: AgreementQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new AgreementQueries(rt.db),
    },
    {
      provide: CouncilQueries,
      inject: [RUNTIME],
      useFactory: (rt: Runtime) => new CouncilQueries(rt.db),
    },
    {
      provide: OrganisationDirectory,
      inject: [RUNTIME, GATEWAY_CONFIG],
      useFactory: (rt: Runtime, cfg: GatewayConfig) =>
        new OrganisationDirectory(rt.db, 5_000, cfg.ACD_TOKEN_STALE_MAX_S * 1000),
    },
    CouncilStanding,
    BusLifecycle,
  ],
  exports: [
    CouncilStanding,
    RUNTIME,
    GATEWAY_CONFIG,
    CommandBus,
    IndicatorQueries,
    IndicatorStixQueries,
    IndicatorAggregates,
    TrafficAggregates,
    ReportingQueries,
    AdvisoryQueries,
    ReferenceLookup,
    OversightQueries,
    SupervisionQueries,
    AgreementQueries,
    CouncilQueries,
    OrganisationDirectory,
    PublisherNames,
    BusIds,
  ],
})
export class BusModule {}
