// Seeds the reporting demo through the public API, so the compliance board shows every state
// an incident can be in: reports on time, a missed early warning with a case, an open order,
// an order complied with, an order ignored and fined, and a closed incident. Idempotency keys
// make a second `npm start` answer from the log instead of reporting twice.
import { openJournal } from './demo-journal.mjs';

const HOUR = 3_600_000;

export async function seedReportingDemo({
  base,
  orgs,
  log = console.log,
  journal = openJournal(),
}) {
  const who = (id) => orgs.find((o) => o.id === id);
  const nco = orgs.find((o) => o.kind === 'cabinet-office');
  const call = async (method, path, org, fresh, key) => {
    const body = key ? journal.replay(org.id, key, fresh) : fresh;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${org.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 400 && res.status !== 409) {
      throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    }
    return { status: res.status, body: json };
  };
  const until = async (what, fn, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const ago = (h) => new Date(Date.now() - h * HOUR).toISOString();

  const asset = (op, assetId, name, fn) =>
    call(
      'POST',
      '/v1/assets',
      op,
      {
        assetId,
        name,
        function: fn,
        location: 'primary control centre',
        vendor: 'Example Systems',
        product: 'ControlSuite 9',
        exposure: 'partner-network',
      },
      `demo-asset-${assetId}`,
    );
  const open = async (op, key, body) =>
    (await call('POST', '/v1/incidents', op, body, `demo-incident-${key}`)).body.incidentId;
  const report = (op, id, key, stage, summary, extra = {}) =>
    call(
      'POST',
      `/v1/incidents/${id}/reports`,
      op,
      { stage, summary, ...extra },
      `demo-report-${key}-${stage}`,
    );
  /** The missed-deadline case the scheduler opens for an incident, once the projection shows it. */
  const caseFor = (op, incidentId) =>
    until(`the missed early warning of ${op.id}`, async () => {
      const r = await call('GET', `/v1/compliance/${op.id}`, nco);
      return r.status === 200 && r.body.cases?.find((c) => c.incidentId === incidentId)?.caseId;
    });
  const orderOn = async (op, caseId, key, dueAt) =>
    (
      await call(
        'POST',
        `/v1/compliance/${op.id}/cases/${caseId}/orders`,
        nco,
        {
          instructions: 'File the overdue early-warning report on this incident.',
          dueAt,
        },
        `demo-order-${key}`,
      )
    ).body.orderId;

  const kanto = who('op-kanto-electric');
  const setouchi = who('op-setouchi-grid');
  const tokai = who('op-tokai-rail');
  const bank = who('op-minato-bank');
  await asset(kanto, 'kanto-ems-01', 'Energy management system', 'grid dispatch');
  await asset(setouchi, 'setouchi-scada-02', 'Substation SCADA', 'substation control');
  await asset(tokai, 'tokai-signal-01', 'Signalling controller', 'train signalling');
  await asset(bank, 'minato-core-01', 'Core banking host', 'deposits and payments');

  // 1. Reports on time; the notification is still ahead.
  const onTime = await open(tokai, 'tokai-1', {
    title: 'Phishing foothold on a signalling engineer laptop',
    awareAt: ago(2),
    impact: 'low',
    affectedAssets: ['tokai-signal-01'],
  });
  await report(
    tokai,
    onTime,
    'tokai-1',
    'EARLY_WARNING',
    'Laptop isolated; signalling unaffected.',
  );
  log(`  ${tokai.id}: incident with its early warning on time, notification pending`);

  // 2. Closed: every stage filed on time.
  const closed = await open(kanto, 'kanto-closed', {
    title: 'Credential stuffing against the customer portal',
    awareAt: ago(3),
    impact: 'moderate',
  });
  for (const stage of ['EARLY_WARNING', 'NOTIFICATION', 'FINAL']) {
    await report(
      kanto,
      closed,
      'kanto-closed',
      stage,
      `${stage.toLowerCase()} on the portal attack`,
    );
  }
  log(`  ${kanto.id}: incident closed with every report on time`);

  // 3. Early warning missed 24 h after awareness: the scheduler opens a case; an order is open.
  const pending = await open(setouchi, 'setouchi-1', {
    title: 'Unauthorised remote session on substation SCADA',
    awareAt: ago(30),
    impact: 'high',
    affectedAssets: ['setouchi-scada-02'],
    sharedWithPolice: true,
  });
  const setouchiCase = await caseFor(setouchi, pending);
  await orderOn(
    setouchi,
    setouchiCase,
    'setouchi-1',
    new Date(Date.now() + 72 * HOUR).toISOString(),
  );
  log(`  ${setouchi.id}: early warning missed, correction order open for 72 h`);

  // 4. Missed, ordered, complied with the late report (a bank: jp-acd, NIS2 and CIRCIA apply).
  const complied = await open(bank, 'bank-1', {
    title: 'Ransomware on a payments batch server',
    awareAt: ago(26),
    impact: 'severe',
    affectedAssets: ['minato-core-01'],
    suspectedActor: 'ransomware affiliate',
  });
  const bankCase = await caseFor(bank, complied);
  await orderOn(bank, bankCase, 'bank-1', new Date(Date.now() + 48 * HOUR).toISOString());
  await report(
    bank,
    complied,
    'bank-1',
    'EARLY_WARNING',
    'Batch server encrypted; payments rerouted.',
  );
  log(`  ${bank.id}: early warning missed, ordered, then filed: order complied`);

  // 5. Missed, ordered with a short due date, ignored, fined.
  const ignored = await open(kanto, 'kanto-ignored', {
    title: 'Wiper on the energy management system',
    awareAt: ago(40),
    impact: 'severe',
    affectedAssets: ['kanto-ems-01'],
  });
  const kantoCase = await caseFor(kanto, ignored);
  const order = await orderOn(
    kanto,
    kantoCase,
    'kanto-ignored',
    new Date(Date.now() + 4_000).toISOString(),
  );
  await until('the ignored order', async () => {
    const r = await call('GET', `/v1/compliance/${kanto.id}`, nco);
    return r.body.orders?.find((o) => o.orderId === order && o.status !== 'open');
  });
  await call(
    'POST',
    `/v1/compliance/${kanto.id}/orders/${order}/penalty`,
    nco,
    {
      amountYen: 1_000_000,
      reason: 'Ignored the correction order to report the wiper incident',
    },
    'demo-penalty-kanto',
  );
  log(`  ${kanto.id}: early warning missed, order ignored, fined 1,000,000 yen`);
  return { incidents: { onTime, closed, pending, complied, ignored } };
}
