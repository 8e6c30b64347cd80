import { ApiError, type PublishIndicatorBody } from '../api-client';
import { actor, type DemoCast, type DemoOrgRecord } from './demo-cast';
import type { DemoSession } from './demo-session';

export interface DemoIndicator {
  publisher: DemoOrgRecord;
  body: PublishIndicatorBody;
}

/**
 * One indicator per TLP level. The bodies hold no times, so each key always carries the same
 * body and needs no journal. The oversight and traffic demos cite or match some of them.
 */
export function demoIndicators({ opA, opB, nco, police }: DemoCast): DemoIndicator[] {
  return [
    {
      publisher: opA,
      body: {
        type: 'ipv4',
        value: '203.0.113.10',
        tlp: 'CLEAR',
        confidence: 70,
        description: 'Scanner hitting SCADA VPN gateways',
      },
    },
    {
      publisher: opA,
      body: {
        type: 'domain',
        value: 'update-check.example.net',
        tlp: 'GREEN',
        confidence: 85,
        description: 'Phishing domain imitating a grid vendor',
      },
    },
    {
      publisher: opA,
      body: {
        type: 'sha256',
        value: 'a'.repeat(64),
        tlp: 'AMBER',
        audience: { sectors: [opA.sector, opB.sector].filter((s) => s !== undefined) },
        confidence: 90,
        description: 'Loader seen on engineering workstations',
        cves: ['CVE-2024-3400'],
      },
    },
    {
      publisher: opB,
      body: {
        type: 'url',
        value: 'https://198.51.100.23/payload.bin',
        tlp: 'AMBER+STRICT',
        audience: { orgs: [opB.id] },
        confidence: 60,
        description: 'Payload URL from the signalling network incident',
      },
    },
    {
      publisher: opB,
      body: {
        type: 'cidr',
        value: '192.0.2.0/24',
        tlp: 'RED',
        audience: { orgs: [nco.id, police.id] },
        confidence: 95,
        description: 'Attacker infrastructure under investigation',
      },
    },
  ];
}

export const indicatorKey = (body: PublishIndicatorBody): string =>
  `demo-${body.type}-${body.value}`;

/** Publishes the demo indicators; a refusal is printed with its status, as the others go on. */
export async function seedIndicators(session: DemoSession, cast: DemoCast): Promise<void> {
  for (const { publisher, body } of demoIndicators(cast)) {
    let status: number;
    try {
      status = (await session.as(actor(publisher)).publishIndicator(body, indicatorKey(body)))
        .status;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      status = err.status;
    }
    session.log(
      `  ${publisher.id} ${body.tlp.padEnd(12)} ${body.type.padEnd(6)} ${body.value} -> ${status}`,
    );
  }
}
