import type { BusLogger } from './kafka';

interface Stage {
  n: number;
  sum: number;
  max: number;
  samples: number[];
}

const MAX_SAMPLES = 4_096;

/**
 * Where the time of a command goes, stage by stage (queueing, produce, decide, commit, reply),
 * for profiling the command path. Off unless ACD_STAGE_TIMINGS is set to a reporting interval
 * in milliseconds: then every interval the count, mean, p50, p99 and max of each stage seen in
 * it are logged once and the figures start afresh. Recording costs a map lookup when on and
 * nothing when off.
 */
export class StageTimings {
  private readonly stages = new Map<string, Stage>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly name: string,
    private readonly logger: BusLogger,
    readonly intervalMs = Number(process.env.ACD_STAGE_TIMINGS ?? 0),
  ) {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  record(stage: string, ms: number): void {
    if (!this.enabled) return;
    let s = this.stages.get(stage);
    if (!s) {
      s = { n: 0, sum: 0, max: 0, samples: [] };
      this.stages.set(stage, s);
    }
    s.n += 1;
    s.sum += ms;
    if (ms > s.max) s.max = ms;
    if (s.samples.length < MAX_SAMPLES) s.samples.push(ms);
    else s.samples[Math.floor(Math.random() * MAX_SAMPLES)] = ms;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    if (this.stages.size === 0) return;
    const report: Record<string, unknown> = {};
    for (const [stage, s] of this.stages) {
      const sorted = [...s.samples].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      report[stage] = {
        n: s.n,
        mean: round(s.sum / s.n),
        p50: round(at(0.5) ?? 0),
        p99: round(at(0.99) ?? 0),
        max: round(s.max),
      };
    }
    this.stages.clear();
    // Asked for explicitly, so shown at the warn level services usually run with.
    this.logger.warn(`stage timings ${this.name}`, { stages: report });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
