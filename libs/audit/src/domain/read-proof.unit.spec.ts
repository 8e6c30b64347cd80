import fc from 'fast-check';
import { entryJson, entryLeafHash, type AuditedFact } from './audit-entry';
import { LogAppender } from './log-appender';
import { hashesOfLeaves, inclusionProof } from './merkle';
import { checkProvenReads, type ProvenRead } from './read-proof';
import { AuditSigningKey, parsePublicKey } from './tree-head';
import { readDocsOf } from '../read/audit.store';
import { parseEntryJson } from '../kafka/audit-log-record';

const key = AuditSigningKey.parse(Buffer.alloc(32, 9).toString('base64'));
const publicKey = parsePublicKey(key.publicKeyPem());
const other = parsePublicKey(
  AuditSigningKey.parse(Buffer.alloc(32, 3).toString('base64')).publicKeyPem(),
);

/** A read of `items` by `actor` of `orgId` (or an act, for other event types). */
function read(i: number, items: string[], actor?: string, eventType = 'ReadRecorded'): AuditedFact {
  return {
    metadata: {
      eventType,
      eventId: `e-${i}`,
      orgId: i % 2 ? 'gov-nco' : 'op-kanto-electric',
      aggregateId: i % 2 ? 'gov-nco' : 'op-kanto-electric',
      occurredAt: new Date(Date.UTC(2026, 11, 7, 0, 0, i)),
      ...(actor ? { actor } : {}),
    },
    data: {
      readId: `r-${i}`,
      subject: actor ?? null,
      route: 'GET /v1/incidents/:id',
      items: items.map((id) => ({ kind: 'incident', id, tlp: 'NONE' })),
      readAt: Date.UTC(2026, 11, 7, 0, 0, i),
    },
    source: { topic: 'acd.audit.reads.v1', partition: 0, offset: String(i) },
  };
}

function logOf(facts: AuditedFact[]) {
  const appender = new LogAppender(key);
  const records = facts.map((f, i) => appender.append(f, 1_800_000_000_000 + i));
  const hashes = hashesOfLeaves(records.map((r) => entryLeafHash(r.entry)));
  const head = records[records.length - 1]!.head;
  const proven = (index: number): ProvenRead => ({
    index,
    entry: JSON.parse(JSON.stringify(records[index]!.entry)) as ProvenRead['entry'],
    proof: inclusionProof(hashes, index, records.length).map((p) => p.toString('hex')),
  });
  return { records, head, proven };
}

describe('who read an item, checked against the log', () => {
  const facts = [
    read(0, ['inc-1'], 'analyst-1'),
    read(1, ['inc-2', 'inc-1'], 'duty-officer'),
    read(2, [], 'duty-officer', 'VoteCast'),
    read(3, ['inc-2'], 'analyst-1'),
  ];

  it('Given reads in the signed log, when each comes with its inclusion proof, then every one checks', () => {
    const { head, proven } = logOf(facts);
    expect(checkProvenReads(publicKey, head, 'inc-1', [proven(0), proven(1)])).toEqual([
      { ok: true },
      { ok: true },
    ]);
  });

  it('Given a store that rewrote who read it, when checked, then that entry is named as not in the tree', () => {
    const { head, proven } = logOf(facts);
    const altered = proven(0);
    altered.entry.actor = 'someone-else';
    const [check] = checkProvenReads(publicKey, head, 'inc-1', [altered]);
    expect(check).toMatchObject({ ok: false, reason: 'not-in-tree' });
    expect(!check!.ok && check!.detail).toContain('entry 0');
  });

  it('Given an entry of another item or another kind, when offered as a read of this one, then it is refused', () => {
    const { head, proven } = logOf(facts);
    expect(checkProvenReads(publicKey, head, 'inc-1', [proven(3)])[0]).toMatchObject({
      ok: false,
      reason: 'not-this-item',
    });
    expect(checkProvenReads(publicKey, head, 'inc-1', [proven(2)])[0]).toMatchObject({
      ok: false,
      reason: 'not-this-item',
    });
  });

  it('Given a head not signed by the pinned key, when checked, then nothing is believed', () => {
    const { head, proven } = logOf(facts);
    expect(checkProvenReads(other, head, 'inc-1', [proven(0)])[0]).toMatchObject({
      ok: false,
      reason: 'head-signature',
    });
  });

  it('for any log, every recorded read of an item checks, and any change to its actor is caught', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            items: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
            actor: fc.option(fc.constantFrom('m1', 'm2', 'duty-officer'), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        fc.constantFrom('a', 'b', 'c', 'd'),
        (spec, item) => {
          const { records, head, proven } = logOf(spec.map((s, i) => read(i, s.items, s.actor)));
          const hits = records
            .map((r, i) => ({ r, i }))
            .filter(({ r }) => readDocsOf(r.entry).some((d) => d.itemId === item));
          // The index finds exactly the entries whose items name it.
          expect(hits.map((h) => h.i)).toEqual(
            spec.flatMap((s, i) => (s.items.includes(item) ? [i] : [])),
          );
          for (const { i } of hits) {
            expect(checkProvenReads(publicKey, head, item, [proven(i)])).toEqual([{ ok: true }]);
            const forged = proven(i);
            forged.entry.actor = `${forged.entry.actor ?? ''}x`;
            expect(checkProvenReads(publicKey, head, item, [forged])[0]?.ok).toBe(false);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('audit entries that name the actor', () => {
  it('Given an entry without an actor, then its bytes are version 1 exactly as before', () => {
    const { records } = logOf([read(0, ['x'])]);
    const json = entryJson(records[0]!.entry);
    expect(JSON.parse(json)).toMatchObject({ v: 1 });
    expect(json).not.toContain('"actor"');
  });

  it('Given an entry with an actor, then it is version 2 and parses back to the same bytes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), (actor) => {
        const { records } = logOf([read(0, ['x'], actor)]);
        const json = entryJson(records[0]!.entry);
        expect(JSON.parse(json)).toMatchObject({ v: 2, actor });
        expect(entryJson(parseEntryJson(json, 0))).toBe(json);
      }),
    );
  });

  it('Given a read entry, then the read index keys it by item and index, one document per distinct item', () => {
    const { records } = logOf([read(0, ['b']), read(1, ['a', 'a', 'b'], 'analyst-1')]);
    expect(readDocsOf(records[1]!.entry).map((d) => [d._id, d.actor])).toEqual([
      ['a|000000000001', 'analyst-1'],
      ['b|000000000001', 'analyst-1'],
    ]);
    expect(readDocsOf(records[0]!.entry)[0]).toMatchObject({
      actor: null,
      readAt: '2026-12-07T00:00:00.000Z',
    });
  });
});
