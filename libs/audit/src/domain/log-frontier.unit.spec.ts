import fc from 'fast-check';
import { entryJson, type AuditedFact } from './audit-entry';
import { CompactRange } from './compact-range';
import { LogAppender } from './log-appender';
import { extendFrontier, LogGapError } from './log-frontier';
import { verifyLog, type LogRecord } from './log-verifier';
import { AuditSigningKey } from './tree-head';

const key = AuditSigningKey.parse(Buffer.alloc(32, 7).toString('base64'));
const forger = AuditSigningKey.parse(Buffer.alloc(32, 4).toString('base64'));

const fact = (i: number): AuditedFact => ({
  metadata: {
    eventType: 'ReadRecorded',
    eventId: `e-${i}`,
    orgId: 'op-tokai-rail',
    aggregateId: 'op-tokai-rail',
    occurredAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)),
    actor: 'duty-officer',
  },
  data: { items: [{ id: `i-${i}`, kind: 'indicator', tlp: 'RED' }] },
  source: { topic: 'acd.audit.reads.v1', partition: 0, offset: String(i) },
});

function logOf(n: number, signer = key, from: LogRecord[] = []): LogRecord[] {
  const range = CompactRange.empty();
  for (const r of from) extendFrontier(range, key.publicKey, r);
  const appender = new LogAppender(signer, range);
  return Array.from({ length: n }, (_, i) => {
    const { entry, head } = appender.append(
      fact(from.length + i),
      1_800_000_000_000 + from.length + i,
    );
    return { entry, head, leafData: entryJson(entry) };
  });
}

/** What the appender and the store make of a topic: the records taken into the tree. */
function readTopic(records: LogRecord[]): { kept: LogRecord[]; passedOver: number[] } {
  const range = CompactRange.empty();
  const kept: LogRecord[] = [];
  const passedOver: number[] = [];
  records.forEach((r, offset) => {
    const step = extendFrontier(range, key.publicKey, r);
    if (step.kind === 'appended') kept.push(r);
    else passedOver.push(offset);
  });
  return { kept, passedOver };
}

describe('the frontier read from the log topic (appender start, store copy)', () => {
  it('takes in an intact log whole', () => {
    const log = logOf(9);
    expect(readTopic(log)).toEqual({ kept: log, passedOver: [] });
  });

  it('never takes a record the key did not sign into the tree, wherever it was written, so the bus never signs over it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n))),
        fc.integer({ min: 0, max: 5 }),
        ([n, at], after) => {
          const genuine = logOf(n);
          // Forged as the next entry: root recomputed over the genuine leaves, signed by another key.
          const [forged] = logOf(1, forger, genuine.slice(0, at));
          const topic = [...genuine.slice(0, at), forged!, ...genuine.slice(at)];
          const { kept, passedOver } = readTopic(topic);
          expect(passedOver).toEqual([at]);
          expect(kept).toEqual(genuine);
          // The writer goes on from the genuine frontier: what it signs next verifies as one log.
          const more = logOf(after, key, genuine);
          expect(verifyLog([...kept, ...more], key.publicKey)).toMatchObject({
            ok: true,
            size: n + after,
          });
        },
      ),
    );
  });

  it('passes over an entry written again (a replacement under an earlier key) and an altered next entry', () => {
    const log = logOf(6);
    const replacement = { ...log[2]!, entry: { ...log[2]!.entry, orgId: 'someone-else' } };
    expect(readTopic([...log, replacement])).toEqual({ kept: log, passedOver: [6] });
    const altered = { ...log[4]!, entry: { ...log[4]!.entry, orgId: 'someone-else' } };
    const { leafData: _l, ...withoutLeaf } = altered;
    expect(readTopic([...log.slice(0, 4), withoutLeaf, log[4]!, log[5]!])).toEqual({
      kept: log,
      passedOver: [4],
    });
    const reformatted = { ...log[4]!, leafData: `${log[4]!.leafData!} ` };
    expect(readTopic([...log.slice(0, 4), reformatted, log[4]!, log[5]!]).passedOver).toEqual([4]);
  });

  it('stops at a gap: entries deleted from the start of the topic cannot be appended after', () => {
    const log = logOf(5);
    expect(() => readTopic(log.slice(2))).toThrow(LogGapError);
    expect(() => readTopic(log.slice(2))).toThrow(
      /lacks entry 0: the next signed record is entry 2/,
    );
  });
});
