import type { IssueAdvisoryBody } from '../api-client';
import { actor, type DemoCast, type DemoOrgRecord } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

const DAY = 86_400_000;

export interface AdvisoriesDemo {
  advisories: { everyone: string; sector: string; red: string };
}

export interface DemoAdvisory {
  issuer: DemoOrgRecord;
  key: string;
  body: IssueAdvisoryBody;
}

/** Three advisories to different audiences, as issued `now` (they expire in 30 days). */
export function demoAdvisories(
  { nco, police, named }: DemoCast,
  now: number,
): Record<keyof AdvisoriesDemo['advisories'], DemoAdvisory> {
  const expiresAt = new Date(now + 30 * DAY).toISOString();
  return {
    everyone: {
      issuer: nco,
      key: 'demo-advisory-everyone',
      body: {
        expiresAt,
        title: 'Phishing campaign imitating the National Cybersecurity Office',
        summary:
          'Mails claiming to come from the office ask recipients to install a "security update". The office never sends software by mail.',
        severity: 'medium',
        tlp: 'GREEN',
        audience: { everyone: true },
        recommendedActions: [
          'Block the sender domains in the attached indicators',
          'Remind staff that the office never sends attachments to install',
        ],
      },
    },
    sector: {
      issuer: nco,
      key: 'demo-advisory-electricity',
      body: {
        expiresAt,
        title: 'Exploitation of SCADA VPN gateways in the electricity sector',
        summary:
          'A state-linked actor exploits an authentication bypass in VPN gateways in front of substation control networks.',
        severity: 'critical',
        tlp: 'AMBER',
        audience: { sectors: ['electricity'] },
        recommendedActions: [
          'Apply the vendor fix or disable the web portal',
          'Review VPN logins of the last 30 days',
          'Report any compromise as an incident',
        ],
      },
    },
    red: {
      issuer: police,
      key: 'demo-advisory-named',
      body: {
        expiresAt,
        title: 'Planned takedown of a command-and-control server',
        summary:
          'The police will neutralise a C2 server your networks contacted; expect the beacons to fail.',
        severity: 'high',
        tlp: 'RED',
        audience: { orgs: named.map((o) => o.id) },
        recommendedActions: [
          'Do not alert the actor',
          'Preserve logs of connections to the server',
        ],
      },
    },
  };
}

/**
 * Everyone under GREEN, the electricity sector under AMBER, two named operators under RED, and
 * one operator's acknowledgement.
 */
export async function seedAdvisories(
  session: DemoSession,
  cast: DemoCast,
): Promise<AdvisoriesDemo> {
  const { log } = session;
  const planned = demoAdvisories(cast, Date.now());
  const issue = async ({ issuer, key, body }: DemoAdvisory) =>
    (await session.send(actor(issuer), key, body, (c, b, k) => c.issueAdvisory(b, k))).advisoryId;

  const everyone = await issue(planned.everyone);
  log(`  ${cast.nco.id}: GREEN advisory to everyone ${everyone}`);
  const sector = await issue(planned.sector);
  log(`  ${cast.nco.id}: AMBER advisory to the electricity sector ${sector}`);
  const red = await issue(planned.red);
  log(`  ${cast.police.id}: RED advisory to ${cast.named.map((o) => o.id).join(', ')} ${red}`);

  await doneOrConflict(
    session.send(actor(cast.grid), 'demo-advisory-ack-grid', {}, (c, b, k) =>
      c.acknowledgeAdvisory(sector, b, k),
    ),
  );
  log(`  ${cast.grid.id}: acknowledged the electricity advisory`);
  return { advisories: { everyone, sector, red } };
}
