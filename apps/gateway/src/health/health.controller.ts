import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { CommandBus, withAdmin } from '@acd/messaging';
import { pingMongo } from '@acd/persistence';
import { type Runtime } from '@acd/runtime';
import { Public } from '../auth/public.decorator';
import { RUNTIME } from '../bus/bus.module';

/** 200 only when both Kafka and MongoDB answer now; a load balancer may rely on it. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly bus: CommandBus,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: Kafka and MongoDB both answer' })
  check() {
    return this.health.check([() => this.kafka(), () => this.mongodb()]);
  }

  private async kafka(): Promise<HealthIndicatorResult> {
    const probe = this.indicator.check('kafka');
    try {
      const cluster = await withTimeout(
        withAdmin(this.runtime.kafka, (admin) => admin.describeCluster()),
        3_000,
      );
      if (!this.bus.isReady) return probe.down({ message: 'reply consumer not ready' });
      return probe.up({ brokers: cluster.brokers.length });
    } catch (err) {
      return probe.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async mongodb(): Promise<HealthIndicatorResult> {
    const probe = this.indicator.check('mongodb');
    const ok = await withTimeout(pingMongo(this.runtime.mongo), 3_000).catch(() => false);
    return ok ? probe.up() : probe.down({ message: 'no answer to ping' });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
