import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { entryJson, type AuditedFact } from './audit-entry';
import { CompactRange } from './compact-range';
import { LogAppender } from './log-appender';
import { LogVerifier, verifyLog, type LogRecord } from './log-verifier';
import {
  AuditSigningKey,
  KeyFormatError,
  parsePublicKey,
  signTreeHead,
  verifyTreeHead,
} from './tree-head';

const seed = Buffer.alloc(32, 7).toString('base64');
const key = AuditSigningKey.parse(seed);

function fact(i: number): AuditedFact {
  return {
    metadata: {
      eventType: i % 3 === 0 ? 'VoteCast' : 'ReadRecorded',
      eventId: `e-${i}`,
      orgId: i % 2 ? 'gov-nco' : 'gov-cyber-oversight-commission',
      aggregateId: `agg-${i % 4}`,
      occurredAt: new Date(Date.UTC(2026, 10, 22, 0, 0, i)),
    },
    data: { n: i, items: [{ id: `x${i}`, tlp: 'RED' }] },
    source: { topic: 'acd.audit.reads.v1', partition: i % 3, offset: String(i) },
  };
}

function logOf(n: number, signer = key): LogRecord[] {
  const appender = new LogAppender(signer);
  return Array.from({ length: n }, (_, i) => {
    const { entry, head } = appender.append(fact(i), 1_800_000_000_000 + i);
    return { entry, head };
  });
}

const clone = (log: LogRecord[]): LogRecord[] => JSON.parse(JSON.stringify(log)) as LogRecord[];

describe('signing keys', () => {
  it('reads a base64 seed and a PKCS#8 PEM to the same key, and never prints the secret', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromPem = AuditSigningKey.parse(pem);
    const raw = privateKey.export({ format: 'jwk' }).d!;
    const fromSeed = AuditSigningKey.parse(Buffer.from(raw, 'base64url').toString('base64'));
    expect(fromSeed.keyId).toBe(fromPem.keyId);
    expect(JSON.stringify(fromPem)).toBe(JSON.stringify({ keyId: fromPem.keyId }));
    expect(inspect(fromPem)).not.toContain(raw);
  });

  it('refuses anything else with a message that does not echo it', () => {
    for (const bad of [
      '',
      'c2hvcnQ=',
      'not base64 at all!!',
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
    ]) {
      expect(() => AuditSigningKey.parse(bad)).toThrow(KeyFormatError);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => AuditSigningKey.parse(rsa)).toThrow(/Ed25519 key is required, not rsa/);
    try {
      AuditSigningKey.parse('c2hvcnQ=');
    } catch (err) {
      expect((err as Error).message).not.toContain('c2hvcnQ=');
    }
  });

  it('reads the public key as PEM and as raw base64', () => {
    const pem = key.publicKeyPem();
    const raw = key.publicKey.export({ format: 'jwk' }).x!;
    const head = signTreeHead(key, { treeSize: 1, timestamp: 5, rootHash: 'ab'.repeat(32) });
    expect(verifyTreeHead(parsePublicKey(pem), head)).toBe(true);
    expect(
      verifyTreeHead(parsePublicKey(Buffer.from(raw, 'base64url').toString('base64')), head),
    ).toBe(true);
    expect(() => parsePublicKey('nope')).toThrow(KeyFormatError);
  });

  it('a head verifies only with its own size, time, root and key', () => {
    const head = signTreeHead(key, { treeSize: 3, timestamp: 99, rootHash: 'cd'.repeat(32) });
    expect(verifyTreeHead(key.publicKey, head)).toBe(true);
    expect(verifyTreeHead(key.publicKey, { ...head, treeSize: 4 })).toBe(false);
    expect(verifyTreeHead(key.publicKey, { ...head, timestamp: 98 })).toBe(false);
    expect(verifyTreeHead(key.publicKey, { ...head, rootHash: 'ce'.repeat(32) })).toBe(false);
    const other = AuditSigningKey.parse(Buffer.alloc(32, 8).toString('base64'));
    expect(verifyTreeHead(other.publicKey, head)).toBe(false);
  });
});

describe('the log verifier', () => {
  it('accepts an intact log, and the newest head', () => {
    const log = logOf(20);
    const result = verifyLog(log, key.publicKey, { newest: log[19]!.head, pinned: log[7]!.head });
    expect(result).toMatchObject({ ok: true, size: 20, rootHash: log[19]!.head.rootHash });
  });

  it('entry JSON is canonical and carries the index', () => {
    const [first] = logOf(1);
    expect(entryJson(first!.entry)).toMatch(
      /^\{"aggregateId":"agg-0","eventId":"e-0","eventType":"VoteCast","index":0,/,
    );
  });

  it('names the first altered entry, whichever field or byte changed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        fc.constantFrom(
          'eventType',
          'eventId',
          'orgId',
          'aggregateId',
          'occurredAt',
          'payload',
          'source',
        ),
        ([n, i], field) => {
          const log = clone(logOf(n));
          const entry = log[i]!.entry as unknown as Record<string, unknown>;
          entry[field] =
            field === 'payload'
              ? { n: -1 }
              : field === 'source'
                ? { topic: 't', partition: 0, offset: '0' }
                : `${String(entry[field])}x`;
          const result = verifyLog(log, key.publicKey);
          expect(result).toMatchObject({ ok: false, index: i });
          expect((result as { reason: string }).reason).toMatch(/differs from what was signed/);
        },
      ),
    );
  });

  it('names the first missing entry when one is removed, and the first of two swapped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 25 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 2))),
        ([n, i]) => {
          const removed = logOf(n).filter((_, j) => j !== i);
          expect(verifyLog(removed, key.publicKey)).toMatchObject({ ok: false, index: i });
          const swapped = logOf(n);
          [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
          expect(verifyLog(swapped, key.publicKey)).toMatchObject({ ok: false, index: i });
          // ...even when the index fields are rewritten to hide the swap.
          const renumbered = clone(logOf(n));
          [renumbered[i], renumbered[i + 1]] = [renumbered[i + 1]!, renumbered[i]!];
          renumbered[i]!.entry.index = i;
          renumbered[i + 1]!.entry.index = i + 1;
          expect(verifyLog(renumbered, key.publicKey)).toMatchObject({ ok: false, index: i });
        },
      ),
    );
  });

  it('catches a removed tail against the newest or a pinned head', () => {
    const log = logOf(10);
    const cut = log.slice(0, 7);
    expect(verifyLog(cut, key.publicKey, { newest: log[9]!.head })).toMatchObject({
      ok: false,
      index: 7,
    });
    expect(verifyLog(cut, key.publicKey, { pinned: { treeSize: 9 } })).toMatchObject({
      ok: false,
      index: 7,
    });
  });

  it('refuses a log re-signed with another key, and heads rewritten to match altered entries', () => {
    const forger = AuditSigningKey.parse(Buffer.alloc(32, 9).toString('base64'));
    expect(verifyLog(logOf(5, forger), key.publicKey)).toMatchObject({ ok: false, index: 0 });
    // The forger recomputes every unsigned hash after altering entry 2: the signature gives it away.
    const log = clone(logOf(5));
    log[2]!.entry.orgId = 'someone-else';
    const redo = new LogAppender(forger);
    const rewritten = log.map((r, j) => {
      const appended = redo.append(
        {
          metadata: { ...r.entry, occurredAt: new Date(r.entry.occurredAt) },
          data: r.entry.payload,
          source: r.entry.source,
        },
        r.head.timestamp,
      );
      return j < 2 ? r : { entry: appended.entry, head: appended.head };
    });
    expect(verifyLog(rewritten, key.publicKey)).toMatchObject({ ok: false, index: 2 });
  });

  it('stops at the first failure and keeps reporting it', () => {
    const log = clone(logOf(6));
    log[3]!.head.timestamp += 1;
    const v = new LogVerifier(key.publicKey);
    const failures = log.map((r) => v.push(r));
    expect(failures.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(failures[3]).toMatchObject({ index: 3, reason: expect.stringMatching(/signature/) });
    expect(v.finish()).toMatchObject({ ok: false, index: 3 });
  });
});

describe('any single tampering with a log is named at its first bad entry (properties)', () => {
  const forger = AuditSigningKey.parse(Buffer.alloc(32, 3).toString('base64'));
  type Tamper =
    | { kind: 'change'; at: number; field: string }
    | { kind: 'delete'; at: number }
    | { kind: 'reorder'; from: number; to: number }
    | { kind: 'repeat'; at: number; to: number }
    | { kind: 'forge'; at: number }
    | { kind: 'truncate'; to: number };

  const fields = [
    'entry.index',
    'entry.eventType',
    'entry.eventId',
    'entry.orgId',
    'entry.actor',
    'entry.aggregateId',
    'entry.occurredAt',
    'entry.source',
    'entry.payload',
    'head.treeSize',
    'head.timestamp',
    'head.rootHash',
    'head.signature',
  ];

  const tamper = (n: number): fc.Arbitrary<Tamper> =>
    fc.oneof(
      fc.record({
        kind: fc.constant('change' as const),
        at: fc.nat(n - 1),
        field: fc.constantFrom(...fields),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(n - 1) }),
      fc
        .tuple(fc.nat(n - 1), fc.nat(n - 1))
        .filter(([a, b]) => a !== b)
        .map(([from, to]) => ({ kind: 'reorder' as const, from, to })),
      fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(n - 1), to: fc.nat(n) }),
      fc.record({ kind: fc.constant('forge' as const), at: fc.nat(n) }),
      fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(n - 1) }),
    );

  /** The log after one tampering, and the index of the first entry that is no longer intact. */
  function apply(log: LogRecord[], t: Tamper): { log: LogRecord[]; first: number } {
    const out = clone(log);
    switch (t.kind) {
      case 'change': {
        const [part, name] = t.field.split('.') as ['entry' | 'head', string];
        const target = out[t.at]![part] as unknown as Record<string, unknown>;
        const was = target[name];
        target[name] =
          typeof was === 'number'
            ? was + 1
            : name === 'rootHash'
              ? (was as string).replace(/^./, (c) => (c === '0' ? '1' : '0'))
              : name === 'signature'
                ? forger.keyId.slice(0, 8) + (was as string).slice(8)
                : name === 'actor' && was === undefined
                  ? 'someone'
                  : name === 'source'
                    ? { topic: 't', partition: 9, offset: '1' }
                    : name === 'payload'
                      ? { n: -1 }
                      : `${String(was)}x`;
        return { log: out, first: t.at };
      }
      case 'delete':
        return { log: out.filter((_, i) => i !== t.at), first: t.at };
      case 'reorder': {
        const [moved] = out.splice(t.from, 1);
        out.splice(t.to, 0, moved!);
        return { log: out, first: Math.min(t.from, t.to) };
      }
      case 'repeat':
        out.splice(t.to, 0, clone([log[t.at]!])[0]!);
        // Written again where it already stood, the copy is the next one's place.
        return { log: out, first: t.to === t.at ? t.at + 1 : t.to };
      case 'forge': {
        // Someone without the key writes entry `at` (replacing it, or as the next one): the
        // leaves before it are genuine, its root is recomputed, its head signed with their key.
        const forged = new LogAppender(forger, CompactRange.empty());
        for (const r of log.slice(0, t.at))
          forged.append(
            {
              metadata: { ...r.entry, occurredAt: new Date(r.entry.occurredAt) },
              data: r.entry.payload,
              source: r.entry.source,
            },
            r.head.timestamp,
          );
        const { entry, head } = forged.append(fact(1_000 + t.at), 1_900_000_000_000);
        out.splice(t.at, t.at < log.length ? 1 : 0, { entry, head });
        return { log: out, first: t.at };
      }
      case 'truncate':
        return { log: out.slice(0, t.to), first: t.to };
    }
  }

  it('is detected, and the index reported is the first bad one, with a pinned head', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) => fc.tuple(fc.constant(n), tamper(n))),
        ([n, t]) => {
          const log = logOf(n);
          const { log: tampered, first } = apply(log, t);
          const pinned = { treeSize: n, rootHash: log[n - 1]!.head.rootHash };
          const result = verifyLog(tampered, key.publicKey, { pinned });
          expect(result).toMatchObject({ ok: false, index: first });
          expect((result as { checked: number }).checked).toBeLessThanOrEqual(first);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('and without a pin, against the newest head the store publishes (kept apart from its entries)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) => fc.tuple(fc.constant(n), tamper(n))),
        ([n, t]) => {
          const log = logOf(n);
          const { log: tampered, first } = apply(log, t);
          expect(verifyLog(tampered, key.publicKey, { newest: log[n - 1]!.head })).toMatchObject({
            ok: false,
            index: first,
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a truncated log that agrees with itself passes without a pin, as it must, and fails with one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 2))),
        ([n, cut]) => {
          const log = logOf(n);
          const kept = log.slice(0, cut + 1);
          expect(verifyLog(kept, key.publicKey, { newest: kept[cut]!.head })).toMatchObject({
            ok: true,
          });
          expect(
            verifyLog(kept, key.publicKey, {
              newest: kept[cut]!.head,
              pinned: { treeSize: n, rootHash: log[n - 1]!.head.rootHash },
            }),
          ).toMatchObject({ ok: false, index: cut + 1 });
        },
      ),
    );
  });
});
