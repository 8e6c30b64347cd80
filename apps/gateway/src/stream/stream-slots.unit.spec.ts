import fc from 'fast-check';
import { StreamSlots } from './stream-slots';

type Op = { reserve: boolean; org: string };

const ops = fc.array(
  fc.record({ reserve: fc.boolean(), org: fc.constantFrom('op-a', 'op-b', 'op-c', 'gov-nco') }),
  { maxLength: 200 },
);

describe('stream slots', () => {
  it('never exceed the total nor one organisation’s share, and refuse only when one is reached', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        ops,
        (total, perOrg, sequence: Op[]) => {
          const slots = new StreamSlots(total, perOrg);
          const model = new Map<string, number>();
          const sum = () => [...model.values()].reduce((a, b) => a + b, 0);
          for (const { reserve, org } of sequence) {
            const held = model.get(org) ?? 0;
            if (!reserve) {
              slots.release(org);
              if (held > 0) model.set(org, held - 1);
              continue;
            }
            const answer = slots.reserve(org);
            if (sum() >= total) expect(answer).toBe('gateway-full');
            else if (held >= Math.min(perOrg, total)) expect(answer).toBe('organisation-full');
            else {
              expect(answer).toBe('reserved');
              model.set(org, held + 1);
            }
            expect(slots.inUse).toBe(sum());
            expect(slots.heldBy(org)).toBe(model.get(org) ?? 0);
            expect(slots.heldBy(org)).toBeLessThanOrEqual(perOrg);
            expect(slots.inUse).toBeLessThanOrEqual(total);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('one organisation at its cap leaves the rest of the gateway to the others', () => {
    const slots = new StreamSlots(3, 2);
    expect(slots.reserve('op-a')).toBe('reserved');
    expect(slots.reserve('op-a')).toBe('reserved');
    expect(slots.reserve('op-a')).toBe('organisation-full');
    expect(slots.reserve('op-b')).toBe('reserved');
    expect(slots.reserve('op-c')).toBe('gateway-full');
    slots.release('op-a');
    expect(slots.reserve('op-c')).toBe('reserved');
    // A release by an organisation holding nothing frees nobody's slot.
    slots.release('gov-nco');
    expect(slots.inUse).toBe(3);
  });
});
