import { Kafka, logLevel } from 'kafkajs';
import { testKafkaSasl } from '@acd/testing';
import type { BusUnderTest } from './bus';

/** Addresses the IP-to-country dataset places (asserted by the unit tests of ip-country). */
export const JP_A = '133.242.0.1';
export const JP_B = '210.130.1.1';
export const US = '45.33.32.156';
export const CN = '1.0.1.1';
/** Foreign, and published as an indicator by the tests that look for matches. */
export const C2_FOREIGN = '8.8.4.4';

/** One cross-border flow record as a submitter sends it, a minute old; fields overridable. */
export const flowRecord = (over: Record<string, unknown> = {}) => ({
  srcAddress: US,
  srcPort: 51000,
  dstAddress: JP_A,
  dstPort: 443,
  protocol: 'tcp',
  bytes: 4096,
  packets: 12,
  start: new Date(Date.now() - 60_000).toISOString(),
  end: new Date(Date.now() - 59_000).toISOString(),
  observationPoint: 'tokyo-ix-tap-1',
  ...over,
});

/**
 * The high watermarks of the named topics (without the deployment prefix): what has been written
 * to them at all, to show that a refused request put nothing on Kafka.
 */
export async function topicsWritten(bus: BusUnderTest, names: string[]): Promise<string> {
  const kafka = new Kafka({
    brokers: String(bus.env.KAFKA_BROKERS).split(','),
    logLevel: logLevel.NOTHING,
    ...testKafkaSasl(bus.env),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const prefix = bus.env.ACD_TOPIC_PREFIX ?? '';
    const ends = await Promise.all(
      names.map(async (t) =>
        (await admin.fetchTopicOffsets(`${prefix}${t}`)).map((p) => p.high).join(','),
      ),
    );
    return ends.join(' | ');
  } finally {
    await admin.disconnect();
  }
}
