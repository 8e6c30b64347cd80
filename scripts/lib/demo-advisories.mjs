// Seeds the advisories demo through the public API: three advisories to different audiences
// (everyone under GREEN, the electricity sector under AMBER, two named organisations under RED)
// and one operator's acknowledgement. Idempotency keys make a second `npm start` answer from
// the log instead of issuing again.
import { openJournal } from './demo-journal.mjs';

const DAY = 86_400_000;

export async function seedAdvisoriesDemo({
  base,
  orgs,
  log = console.log,
  journal = openJournal(),
}) {
  const byId = (id) => orgs.find((o) => o.id === id);
  const nco = orgs.find((o) => o.kind === 'cabinet-office');
  const police = orgs.find((o) => o.kind === 'police');
  const operators = orgs.filter((o) => o.kind === 'operator');
  const grid = byId('op-kanto-electric') ?? operators.find((o) => o.sector === 'electricity');
  const named = operators.filter((o) => o.sector !== 'electricity').slice(0, 2);
  const call = async (path, org, fresh, key) => {
    const body = journal.replay(org.id, key, fresh);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${org.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body ?? {}),
    });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 400 && res.status !== 409) {
      throw new Error(`POST ${path} -> ${res.status} ${JSON.stringify(json)}`);
    }
    return json;
  };
  const expiresAt = new Date(Date.now() + 30 * DAY).toISOString();

  const issue = async (org, key, body) =>
    (await call('/v1/advisories', org, { expiresAt, ...body }, `demo-advisory-${key}`)).advisoryId;

  const everyone = await issue(nco, 'everyone', {
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
  });
  log(`  ${nco.id}: GREEN advisory to everyone ${everyone}`);

  const sector = await issue(nco, 'electricity', {
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
  });
  log(`  ${nco.id}: AMBER advisory to the electricity sector ${sector}`);

  const red = await issue(police, 'named', {
    title: 'Planned takedown of a command-and-control server',
    summary:
      'The police will neutralise a C2 server your networks contacted; expect the beacons to fail.',
    severity: 'high',
    tlp: 'RED',
    audience: { orgs: named.map((o) => o.id) },
    recommendedActions: ['Do not alert the actor', 'Preserve logs of connections to the server'],
  });
  log(`  ${police.id}: RED advisory to ${named.map((o) => o.id).join(', ')} ${red}`);

  await call(`/v1/advisories/${sector}/acknowledgements`, grid, {}, 'demo-advisory-ack-grid');
  log(`  ${grid.id}: acknowledged the electricity advisory`);
  return { advisories: { everyone, sector, red } };
}
