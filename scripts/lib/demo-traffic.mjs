// Seeds the traffic demo through the public API: tel-nihon-backbone submits a few batches of
// flow metadata under the live collection authorisation the oversight demo created (run this
// after it). Foreign-to-Japan and foreign-to-foreign flows are accepted; a few domestic-only
// ones are refused and counted; some hit the indicators `npm start` publishes (203.0.113.10,
// update-check.example.net, 192.0.2.0/24), so the cabinet office sees matches. Idempotency keys
// make a second `npm start` publish nothing again (the gateway answers 200, duplicate: true).
import { openJournal } from './demo-journal.mjs';

const TELECOM = 'tel-nihon-backbone';

/** Addresses the IP-to-country dataset places (GeoLite2 Country via geoip-country). */
const JP = ['133.242.0.1', '210.130.1.1', '133.242.10.20', '210.130.5.6'];
const ABROAD = ['45.33.32.156', '80.80.80.80', '1.0.1.1', '195.154.1.1', '103.4.96.1'];

export async function seedTrafficDemo({ base, orgs, log = console.log, journal = openJournal() }) {
  const telecom = orgs.find((o) => o.id === TELECOM) ?? orgs.find((o) => o.kind === 'telecom');
  if (!telecom) throw new Error('no telecom operator among the demo organisations');
  const now = Date.now();
  const flow = (i, over = {}) => ({
    srcAddress: ABROAD[i % ABROAD.length],
    srcPort: 40_000 + i,
    dstAddress: JP[i % JP.length],
    dstPort: [443, 53, 22, 8443][i % 4],
    protocol: i % 4 === 1 ? 'udp' : 'tcp',
    bytes: 800 + 37 * i,
    packets: 4 + (i % 9),
    start: new Date(now - 3_600_000 + i * 1_000).toISOString(),
    end: new Date(now - 3_600_000 + i * 1_000 + 750).toISOString(),
    observationPoint: ['tokyo-ix-tap-1', 'osaka-ix-tap-2'][i % 2],
    ...over,
  });

  const batches = [
    {
      key: 'demo-traffic-1',
      flows: [
        ...Array.from({ length: 40 }, (_, i) => flow(i)),
        // Hits the CLEAR address indicator, towards a foreign host.
        flow(40, { srcAddress: '203.0.113.10', dstAddress: '45.33.32.156' }),
        // Hits the phishing domain through a sub-domain (TLS server name).
        flow(41, { domain: 'cdn.update-check.example.net' }),
        // Domestic only: refused and counted, never stored.
        flow(42, { srcAddress: JP[0], dstAddress: JP[1] }),
        flow(43, { srcAddress: JP[2], dstAddress: JP[3] }),
      ],
    },
    {
      key: 'demo-traffic-2',
      flows: [
        // Foreign-to-foreign transit through Japan.
        ...Array.from({ length: 30 }, (_, i) =>
          flow(100 + i, { dstAddress: ABROAD[(i + 2) % ABROAD.length] }),
        ),
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
    {
      key: 'demo-traffic-3',
      flows: [
        ...Array.from({ length: 25 }, (_, i) => flow(200 + i)),
        flow(225, { domain: 'update-check.example.net', protocol: 'udp', dstPort: 53 }),
        // An ICMP probe has no ports.
        flow(226, { protocol: 'icmp', srcPort: null, dstPort: null }),
        flow(227, { srcAddress: JP[3], dstAddress: JP[2] }),
      ],
    },
  ];

  const totals = {
    batches: 0,
    received: 0,
    accepted: 0,
    refusedDomestic: 0,
    refusedUnlocated: 0,
    invalid: 0,
    duplicates: 0,
  };
  for (const batch of batches) {
    const res = await fetch(`${base}/v1/traffic/flow-batches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${telecom.token}`,
        'content-type': 'application/json',
        'idempotency-key': batch.key,
      },
      body: JSON.stringify(journal.replay(telecom.id, batch.key, { flows: batch.flows })),
    });
    const json = await res.json().catch(() => ({}));
    if (res.status !== 202 && res.status !== 200) {
      throw new Error(`POST /v1/traffic/flow-batches -> ${res.status} ${JSON.stringify(json)}`);
    }
    totals.batches += 1;
    totals.received += json.received;
    totals.accepted += json.accepted;
    totals.refusedDomestic += json.refusedDomestic;
    totals.refusedUnlocated += json.refusedUnlocated;
    totals.invalid += json.invalid.length;
    if (json.duplicate) totals.duplicates += 1;
    log(
      `  ${telecom.id}: batch ${json.batchId}: ${json.accepted}/${json.received} accepted, ${json.refusedDomestic} domestic refused${json.duplicate ? ' (already submitted)' : ''}`,
    );
  }
  return totals;
}
