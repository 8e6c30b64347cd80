import type {
  CollectionRequestBody,
  ExecutionBody,
  OperationRequestBody,
  VoteBody,
} from '../api-client';
import { actor, type DemoActor, type DemoCast, type DemoOrgRecord } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface OversightDemo {
  oversight: { collection: string; reported: string; pending: string };
}

/** The requests, as made `now`; `evidence` names the indicator each operation cites. */
export function demoOversightRequests(
  { telecom }: DemoCast,
  now: number,
  evidence: { police: string; sdf: string },
) {
  const at = (offset: number) => new Date(now + offset).toISOString();
  return {
    collection: {
      telecomId: telecom.id,
      categories: ['addresses', 'ports', 'protocols', 'volumes', 'timings', 'attack-commands'],
      validFrom: at(0),
      validUntil: at(30 * DAY),
      justification:
        'Botnet command traffic transiting Japan towards electricity operators; metadata only, no contents.',
    } satisfies CollectionRequestBody,
    policeOperation: {
      target: { type: 'ip', value: '133.242.0.1' },
      justification: 'Command-and-control server steering the botnet behind the grid intrusions.',
      evidence: [{ type: 'indicator', id: evidence.police }],
      measures: ['access', 'collect-evidence', 'disable-malware'],
      validFrom: at(-HOUR),
      validUntil: at(7 * DAY),
      attestation: {
        belowArmedAttackThreshold: true,
        justification: 'Disabling one criminal botnet controller; no state actor is engaged.',
      },
    } satisfies OperationRequestBody,
    policeExecution: {
      target: '133.242.0.1',
      startedAt: at(-30 * MINUTE),
      endedAt: at(-10 * MINUTE),
      outcome: 'succeeded',
      summary: 'Accessed the server, preserved logs and disabled the bot controller.',
      measuresTaken: ['access', 'collect-evidence', 'disable-malware'],
    } satisfies ExecutionBody,
    policeReport: {
      summary:
        'Controller disabled; 1,200 bots no longer receive commands. Logs handed to the prosecutor.',
    },
    // Abroad: the SDF act there on the Prime Minister's order, and consult the Foreign Minister
    // before they execute.
    sdfOperation: {
      target: { type: 'domain', value: 'update-check.botnet-panel.example', country: 'NL' },
      justification: 'Staging server of an intrusion set preparing attacks on defence suppliers.',
      evidence: [{ type: 'indicator', id: evidence.sdf }],
      measures: ['access', 'block-c2-communication'],
      validFrom: at(0),
      validUntil: at(14 * DAY),
      primeMinisterOrder: {
        givenAt: at(-2 * HOUR),
        grounds:
          'A particularly sophisticated, organised intrusion set operating from abroad against defence suppliers.',
        reference: 'PMO-CD-2026-014',
      },
      attestation: {
        belowArmedAttackThreshold: true,
        justification:
          'Blocking command traffic of one staging server; no kinetic or lasting effect.',
      },
    } satisfies OperationRequestBody,
  };
}

/**
 * An SDF operation request on a server abroad, on the Prime Minister's order, waiting for the
 * commission (one vote cast), a police operation
 * approved, executed and reported, and a live collection authorisation for the telecom operator
 * (every category, 30 days).
 */
export async function seedOversight(session: DemoSession, cast: DemoCast): Promise<OversightDemo> {
  const { log } = session;
  const { nco, police, sdf, telecom, members } = cast;
  const [first, second, third] = members;
  if (!first || !second || !third) throw new Error('the commission needs three members');

  // Evidence must be real and readable by the citing agency: two of the demo indicators.
  const indicatorId = async (org: DemoOrgRecord, value: string) => {
    const page = await session
      .as(actor(org))
      .listIndicators({ value })
      .catch(() => undefined);
    const id = page?.items[0]?.id;
    if (!id) throw new Error(`demo indicator ${value} is not readable by ${org.id}`);
    return id;
  };
  const requests = demoOversightRequests(cast, Date.now(), {
    police: await indicatorId(police, '203.0.113.10'),
    sdf: await indicatorId(sdf, 'update-check.example.net'),
  });
  const vote = (requestId: string, member: DemoActor, body: VoteBody) =>
    doneOrConflict(
      session.send(
        member,
        `demo-oversight-vote-${member.principal}-${requestId}`,
        body,
        (c, b, k) => c.vote(requestId, b, k),
      ),
    );

  const collection = (
    await session.send(actor(nco), 'demo-oversight-collection', requests.collection, (c, b, k) =>
      c.requestCollection(b, k),
    )
  ).requestId;
  for (const m of [first, second, third]) await vote(collection, m, { vote: 'approve' });
  log(
    `  ${nco.id}: collection authorisation for ${telecom.id}, approved for 30 days ${collection}`,
  );

  const reported = (
    await session.send(
      actor(police),
      'demo-oversight-police-operation',
      requests.policeOperation,
      (c, b, k) => c.requestOperation(b, k),
    )
  ).requestId;
  await vote(reported, first, {
    vote: 'approve',
    reason: 'Evidence of control traffic is conclusive',
  });
  await vote(reported, second, { vote: 'approve' });
  await vote(reported, third, { vote: 'deny', reason: 'Collecting evidence alone would suffice' });
  await doneOrConflict(
    session.send(
      actor(police),
      'demo-oversight-police-execution',
      requests.policeExecution,
      (c, b, k) => c.recordExecution(reported, b, k),
    ),
  );
  await doneOrConflict(
    session.send(actor(police), 'demo-oversight-police-report', requests.policeReport, (c, b, k) =>
      c.reportOperation(reported, b, k),
    ),
  );
  log(`  ${police.id}: operation approved (2 to 1), executed and reported ${reported}`);

  const pending = (
    await session.send(
      actor(sdf),
      'demo-oversight-sdf-operation',
      requests.sdfOperation,
      (c, b, k) => c.requestOperation(b, k),
    )
  ).requestId;
  await vote(pending, first, { vote: 'approve', reason: 'Proportionate if limited to blocking' });
  log(`  ${sdf.id}: operation request pending with one vote ${pending}`);

  return { oversight: { collection, reported, pending } };
}
