// Seeds the oversight demo through the public API: an SDF operation request waiting for the
// commission (one vote cast), a police operation approved, executed and reported, and a live
// collection authorisation for tel-nihon-backbone (every category, 30 days). Idempotency keys
// make a second `npm start` answer from the log instead of requesting, voting or acting again.
import { openJournal } from './demo-journal.mjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export async function seedOversightDemo({
  base,
  orgs,
  log = console.log,
  journal = openJournal(),
}) {
  const byId = (id) => orgs.find((o) => o.id === id);
  const nco = orgs.find((o) => o.kind === 'cabinet-office');
  const police = orgs.find((o) => o.kind === 'police');
  const sdf = orgs.find((o) => o.kind === 'sdf');
  const telecom = byId('tel-nihon-backbone') ?? orgs.find((o) => o.kind === 'telecom');
  const commission = orgs.find((o) => o.kind === 'oversight-commission');
  const members = (commission?.members ?? []).map((m) => ({
    ...commission,
    token: m.token,
    member: m.id,
  }));
  if (members.length < 3) throw new Error('the commission needs at least three member tokens');

  const call = async (path, org, fresh, key) => {
    const body = journal.replay(org.member ?? org.id, key, fresh);
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
    // 409: already done on an earlier run under another key (e.g. the vote was already cast).
    if (res.status >= 400 && res.status !== 409) {
      throw new Error(`POST ${path} -> ${res.status} ${JSON.stringify(json)}`);
    }
    return json;
  };
  const at = (offset) => new Date(Date.now() + offset).toISOString();
  // Evidence must be real and readable by the citing agency: the demo indicators npm start
  // published before (a CLEAR scanner address, a GREEN phishing domain).
  const indicatorId = async (org, value) => {
    const res = await fetch(`${base}/v1/indicators?value=${encodeURIComponent(value)}`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    const id = res.ok ? (await res.json()).items?.[0]?.id : undefined;
    if (!id) throw new Error(`demo indicator ${value} is not readable by ${org.id}`);
    return id;
  };
  const vote = (id, m, choice, reason) =>
    call(
      `/v1/oversight/requests/${id}/votes`,
      m,
      { vote: choice, ...(reason ? { reason } : {}) },
      `demo-oversight-vote-${m.member}-${id}`,
    );

  const collection = (
    await call(
      '/v1/oversight/collection-requests',
      nco,
      {
        telecomId: telecom.id,
        categories: ['addresses', 'ports', 'protocols', 'volumes', 'timings', 'attack-commands'],
        validFrom: at(0),
        validUntil: at(30 * DAY),
        justification:
          'Botnet command traffic transiting Japan towards electricity operators; metadata only, no contents.',
      },
      'demo-oversight-collection',
    )
  ).requestId;
  for (const m of members.slice(0, 3)) await vote(collection, m, 'approve');
  log(
    `  ${nco.id}: collection authorisation for ${telecom.id}, approved for 30 days ${collection}`,
  );

  const reported = (
    await call(
      '/v1/oversight/operation-requests',
      police,
      {
        target: { type: 'ip', value: '133.242.0.1' },
        justification: 'Command-and-control server steering the botnet behind the grid intrusions.',
        evidence: [{ type: 'indicator', id: await indicatorId(police, '203.0.113.10') }],
        measures: ['access', 'collect-evidence', 'disable-malware'],
        validFrom: at(-HOUR),
        validUntil: at(7 * DAY),
      },
      'demo-oversight-police-operation',
    )
  ).requestId;
  await vote(reported, members[0], 'approve', 'Evidence of control traffic is conclusive');
  await vote(reported, members[1], 'approve');
  await vote(reported, members[2], 'deny', 'Collecting evidence alone would suffice');
  await call(
    `/v1/oversight/requests/${reported}/execution`,
    police,
    {
      target: '133.242.0.1',
      startedAt: at(-30 * MINUTE),
      endedAt: at(-10 * MINUTE),
      outcome: 'succeeded',
      summary: 'Accessed the server, preserved logs and disabled the bot controller.',
      measuresTaken: ['access', 'collect-evidence', 'disable-malware'],
    },
    'demo-oversight-police-execution',
  );
  await call(
    `/v1/oversight/requests/${reported}/report`,
    police,
    {
      summary:
        'Controller disabled; 1,200 bots no longer receive commands. Logs handed to the prosecutor.',
    },
    'demo-oversight-police-report',
  );
  log(`  ${police.id}: operation approved (2 to 1), executed and reported ${reported}`);

  const pending = (
    await call(
      '/v1/oversight/operation-requests',
      sdf,
      {
        target: { type: 'domain', value: 'update-check.botnet-panel.example', country: 'JP' },
        justification: 'Staging server of an intrusion set preparing attacks on defence suppliers.',
        evidence: [{ type: 'indicator', id: await indicatorId(sdf, 'update-check.example.net') }],
        measures: ['access', 'block-c2-communication'],
        validFrom: at(0),
        validUntil: at(14 * DAY),
      },
      'demo-oversight-sdf-operation',
    )
  ).requestId;
  await vote(pending, members[0], 'approve', 'Proportionate if limited to blocking');
  log(`  ${sdf.id}: operation request pending with one vote ${pending}`);

  return { oversight: { collection, reported, pending } };
}
