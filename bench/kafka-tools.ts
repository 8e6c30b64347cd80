/** Kafka's own performance tools (from `org.apache.kafka:kafka-tools`), the benchmarks' baselines. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export function runJava(mainClass: string, args: string[]): string {
  return execFileSync(
    'java',
    [
      '-Xmx512m',
      '-Dlog4j.configuration=file:' + join(ROOT, 'deploy/local/kafka/tools-log4j.properties'),
      '-cp',
      join(ROOT, '.local', 'kafka', 'libs', '*'),
      mainClass,
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Kafka's EndToEndLatency (acks=all): produce one record, consume it, repeat. */
export function kafkaEndToEndLatency(
  brokers: string[],
  topic: string,
  records: number,
  recordSize: number,
): { p50: number; p99: number } | null {
  try {
    const out = runJava('org.apache.kafka.tools.EndToEndLatency', [
      brokers.join(','),
      topic,
      String(records),
      'all',
      String(recordSize),
    ]);
    const p = (label: string) =>
      Number(new RegExp(`${label}\\s*=?\\s*([\\d.]+)`).exec(out)?.[1] ?? NaN);
    const m = /Percentiles: 50th = ([\d.]+), 99th = ([\d.]+)/.exec(out);
    if (m) return { p50: Number(m[1]), p99: Number(m[2]) };
    return { p50: p('50th'), p99: p('99th') };
  } catch (err) {
    console.error(
      `  EndToEndLatency failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`,
    );
    return null;
  }
}
