import type { FlowBatchBody, FlowRecordBody } from '../api-client';
import { actor, type DemoCast } from './demo-cast';
import type { DemoSession } from './demo-session';

/** Addresses the IP-to-country dataset places (GeoLite2 Country via geoip-country). */
const JP = ['133.242.0.1', '210.130.1.1', '133.242.10.20', '210.130.5.6'] as const;
const ABROAD = ['45.33.32.156', '80.80.80.80', '1.0.1.1', '195.154.1.1', '103.4.96.1'] as const;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

export interface TrafficTotals {
  batches: number;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: number;
  duplicates: number;
}

/**
 * Three batches of flow metadata observed in the hour before `now`. Foreign-to-Japan and
 * foreign-to-foreign flows are accepted; a few domestic-only ones are refused and counted; some
 * hit the demo indicators (203.0.113.10, update-check.example.net, 192.0.2.0/24).
 */
export function demoFlowBatches(now: number): { key: string; body: FlowBatchBody }[] {
  const flow = (i: number, over: Partial<FlowRecordBody> = {}): FlowRecordBody => ({
    srcAddress: pick(ABROAD, i),
    srcPort: 40_000 + i,
    dstAddress: pick(JP, i),
    dstPort: pick([443, 53, 22, 8443], i),
    protocol: i % 4 === 1 ? 'udp' : 'tcp',
    bytes: 800 + 37 * i,
    packets: 4 + (i % 9),
    start: new Date(now - 3_600_000 + i * 1_000).toISOString(),
    end: new Date(now - 3_600_000 + i * 1_000 + 750).toISOString(),
    observationPoint: pick(['tokyo-ix-tap-1', 'osaka-ix-tap-2'], i),
    ...over,
  });
  const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i);
  return [
    {
      key: 'demo-traffic-1',
      body: {
        flows: [
          ...range(0, 40).map((i) => flow(i)),
          // Hits the CLEAR address indicator, towards a foreign host.
          flow(40, { srcAddress: '203.0.113.10', dstAddress: '45.33.32.156' }),
          // Hits the phishing domain through a sub-domain (TLS server name).
          flow(41, { domain: 'cdn.update-check.example.net' }),
          // Domestic only: refused and counted, never stored.
          flow(42, { srcAddress: JP[0], dstAddress: JP[1] }),
          flow(43, { srcAddress: JP[2], dstAddress: JP[3] }),
        ],
      },
    },
    {
      key: 'demo-traffic-2',
      body: {
        flows: [
          // Foreign-to-foreign transit through Japan.
          ...range(0, 30).map((i) => flow(100 + i, { dstAddress: pick(ABROAD, i + 2) })),
          // Inside the RED range 192.0.2.0/24, towards a foreign resolver.
          flow(130, {
            srcAddress: '192.0.2.55',
            dstAddress: '80.80.80.80',
            protocol: 'udp',
            dstPort: 53,
          }),
          flow(131, { srcAddress: JP[1], dstAddress: JP[0] }),
        ],
      },
    },
    {
      key: 'demo-traffic-3',
      body: {
        flows: [
          ...range(200, 25).map((i) => flow(i)),
          flow(225, { domain: 'update-check.example.net', protocol: 'udp', dstPort: 53 }),
          // An ICMP probe has no ports.
          flow(226, { protocol: 'icmp', srcPort: null, dstPort: null }),
          flow(227, { srcAddress: JP[3], dstAddress: JP[2] }),
        ],
      },
    },
  ];
}

/**
 * The telecom operator submits the batches under the live collection authorisation the oversight
 * demo created (run it after that). A second run publishes nothing again (200, duplicate: true).
 */
export async function seedTraffic(
  session: DemoSession,
  { telecom }: DemoCast,
): Promise<TrafficTotals> {
  const totals: TrafficTotals = {
    batches: 0,
    received: 0,
    accepted: 0,
    refusedDomestic: 0,
    refusedUnlocated: 0,
    invalid: 0,
    duplicates: 0,
  };
  for (const batch of demoFlowBatches(Date.now())) {
    const answer = await session.send(actor(telecom), batch.key, batch.body, (c, b, k) =>
      c.submitFlowBatch(b, k),
    );
    totals.batches += 1;
    totals.received += answer.received;
    totals.accepted += answer.accepted;
    totals.refusedDomestic += answer.refusedDomestic;
    totals.refusedUnlocated += answer.refusedUnlocated;
    totals.invalid += answer.invalid.length;
    if (answer.duplicate) totals.duplicates += 1;
    session.log(
      `  ${telecom.id}: batch ${answer.batchId}: ${answer.accepted}/${answer.received} accepted, ${answer.refusedDomestic} domestic refused${answer.duplicate ? ' (already submitted)' : ''}`,
    );
  }
  return totals;
}
