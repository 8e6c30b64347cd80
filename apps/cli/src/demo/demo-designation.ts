import type { DesignationBody } from '../api-client';
import { actor, type DemoCast } from './demo-cast';
import { doneOrConflict, type DemoSession } from './demo-session';

const DAY = 86_400_000;

/** The first operator's designation, taking effect a week before `now`. */
export function demoDesignation({ opA }: DemoCast, now: number): DesignationBody {
  return {
    sector: opA.sector ?? 'electricity',
    designatedAt: new Date(now - 7 * DAY).toISOString(),
    reference: 'NCO-DESIGNATION-2026-001',
  };
}

/**
 * The office designates the first operator. It notified its specified important computers in the
 * reporting demo, so the duty shows as met; a second run is answered 409 (designated already).
 */
export async function seedDesignation(
  session: DemoSession,
  cast: DemoCast,
): Promise<{ designated: string }> {
  const { nco, opA } = cast;
  await doneOrConflict(
    session.send(actor(nco), 'demo-designation', demoDesignation(cast, Date.now()), (c, b, k) =>
      c.designateOperator(opA.id, b, k),
    ),
  );
  session.log(`  ${nco.id}: ${opA.id} designated`);
  return { designated: opA.id };
}
