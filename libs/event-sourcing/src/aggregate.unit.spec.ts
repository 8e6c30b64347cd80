import fc from 'fast-check';
import { applyEnvelope, emptyAggregate } from './aggregate';
import type { Decider } from './decider';
import { commandIdFor, deterministicId, eventIdFor, keyedId } from './event-id';
import type { EventEnvelope } from './envelope';

type Added = { type: 'Added'; data: { n: number } };
const counter: Decider<never, Added, number> = {
  initialState: 0,
  decide: () => ({ ok: true, events: [] }),
  evolve: (s, e) => s + e.data.n,
};

const envelope = (
  version: number,
  n: number,
  causationId = `c${version}`,
): EventEnvelope<Added> => ({
  metadata: {
    eventId: eventIdFor(causationId, 0, 'a'),
    eventType: 'Added',
    aggregateId: 'a',
    aggregateVersion: version,
    orgId: 'o',
    occurredAt: new Date(0),
    correlationId: 'x',
    causationId,
  },
  event: { type: 'Added', data: { n } },
});

describe('aggregate replay', () => {
  it('applies each version once, however often the log repeats it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 60 }), (versions) => {
        let agg = emptyAggregate(counter.initialState);
        for (const v of versions) agg = applyEnvelope(counter, agg, envelope(v, v));
        // Only a strictly increasing run of versions counts: exactly what a single writer produces.
        let expected = 0;
        let top = 0;
        for (const v of versions) {
          if (v > top) {
            expected += v;
            top = v;
          }
        }
        expect(agg.state).toBe(expected);
        expect(agg.version).toBe(top);
      }),
    );
  });

  it('remembers which command produced which events', () => {
    let agg = emptyAggregate(counter.initialState);
    agg = applyEnvelope(counter, agg, envelope(1, 5, 'cmd-1'));
    expect(agg.processed.get('cmd-1')).toEqual({
      version: 1,
      eventIds: [eventIdFor('cmd-1', 0, 'a')],
      fingerprint: '',
    });
  });
});

describe('deterministic ids', () => {
  it('are stable, UUID-shaped and distinct per input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = deterministicId('ns', a);
        expect(x).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(deterministicId('ns', a)).toBe(x);
        if (a !== b) expect(deterministicId('ns', b)).not.toBe(x);
      }),
    );
  });

  it('scope idempotency keys to the principal: organisation and member', () => {
    const key = 'k'.repeat(32);
    const id = commandIdFor(key, { orgId: 'org-a' }, 'k1');
    expect(commandIdFor(key, { orgId: 'org-a' }, 'k1')).toBe(id);
    expect(commandIdFor(key, { orgId: 'org-b' }, 'k1')).not.toBe(id);
    expect(commandIdFor(key, { orgId: 'org-a', subject: 'member-1' }, 'k1')).not.toBe(id);
    expect(commandIdFor(key, { orgId: 'org-a', subject: 'member-2' }, 'k1')).not.toBe(
      commandIdFor(key, { orgId: 'org-a', subject: 'member-1' }, 'k1'),
    );
  });

  it('keyed ids cannot be recomputed without the key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (name, other) => {
        const a = keyedId('a'.repeat(32), 'acd:indicator', name);
        expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(keyedId('a'.repeat(32), 'acd:indicator', name)).toBe(a);
        // Whoever lacks the key and hashes the name as an unkeyed id gets something else.
        expect(deterministicId('acd:indicator', name)).not.toBe(a);
        expect(keyedId(`b${other}`.padEnd(32, 'b'), 'acd:indicator', name)).not.toBe(a);
      }),
    );
  });
});
