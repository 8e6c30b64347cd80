import {
  AuditSigningKey,
  consistencyProof,
  entryLeafHash,
  hashesOfLeaves,
  inclusionProof,
  LogAppender,
  type LogRecord,
} from '@acd/audit';
import { ApiClient } from './api-client';
import {
  checkConsistency,
  checkInclusion,
  trustedKey,
  verifyThroughApi,
} from './audit-verification';

const key = AuditSigningKey.parse(Buffer.alloc(32, 3).toString('base64'));

function logOf(n: number): LogRecord[] {
  const appender = new LogAppender(key);
  return Array.from({ length: n }, (_, i) =>
    appender.append(
      {
        metadata: {
          eventType: 'VoteCast',
          eventId: `v-${i}`,
          orgId: 'gov-cyber-oversight-commission',
          aggregateId: `req-${i % 3}`,
          occurredAt: new Date(1_800_000_000_000 + i),
        },
        data: { vote: i % 2 ? 'approve' : 'reject' },
        source: { topic: 'acd.oversight.events.v1', partition: 0, offset: String(i) },
      },
      1_800_000_000_000 + i,
    ),
  ).map(({ entry, head }) => ({ entry, head }));
}

/** A gateway serving `log` the way the audit API does, from whatever `log` holds now. */
function serverOf(log: LogRecord[], opts: { headSize?: number } = {}): ApiClient {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input));
    const q = (k: string) =>
      url.searchParams.has(k) ? Number(url.searchParams.get(k)) : undefined;
    const size = opts.headSize ?? log.length;
    const h = hashesOfLeaves(log.map((r) => entryLeafHash(r.entry)));
    switch (url.pathname) {
      case '/v1/audit/head':
        return json(log[size - 1]!.head);
      case '/v1/audit/public-key':
        return json({ publicKeyPem: key.publicKeyPem(), keyId: key.keyId });
      case '/v1/audit/entries': {
        const from = q('from') ?? 0;
        const limit = q('limit') ?? 100;
        const entries = log.slice(from, from + limit);
        return json({
          treeSize: log.length,
          entries,
          next: from + limit < log.length ? from + limit : null,
        });
      }
      case '/v1/audit/proofs/inclusion': {
        const index = q('index')!;
        const treeSize = q('treeSize') ?? size;
        return json({
          index,
          treeSize,
          entry: log[index]!.entry,
          proof: inclusionProof(h, index, treeSize).map((b) => b.toString('hex')),
          head: log[treeSize - 1]!.head,
        });
      }
      case '/v1/audit/proofs/consistency': {
        const [first, second] = [q('first')!, q('second') ?? size];
        return json({
          first,
          second,
          firstHead: log[first - 1]!.head,
          secondHead: log[second - 1]!.head,
          proof: consistencyProof(h, first, second).map((b) => b.toString('hex')),
        });
      }
      default:
        return json({ message: 'not found' }, 404);
    }
  };
  return new ApiClient({ url: 'http://audit.test', token: 't' }, fake as typeof fetch);
}

describe('acd audit verify, through the API', () => {
  it('verifies an intact log page by page and reports progress', async () => {
    const progress: number[] = [];
    const result = await verifyThroughApi(serverOf(logOf(25)), key.publicKey, {
      pageSize: 10,
      onProgress: (p) => progress.push(p.checked),
    });
    expect(result).toMatchObject({ ok: true, size: 25 });
    expect(progress).toEqual([10, 20, 25]);
  });

  it('names the first altered entry even when the server is the one lying', async () => {
    const log = logOf(25);
    log[13] = { ...log[13]!, entry: { ...log[13]!.entry, payload: { vote: 'approve!' } } };
    expect(await verifyThroughApi(serverOf(log), key.publicKey, { pageSize: 7 })).toMatchObject({
      ok: false,
      index: 13,
    });
  });

  it('catches a server that hides the newest entries behind its newest head', async () => {
    const log = logOf(20);
    const hidden = serverOf(log.slice(0, 17));
    // The head the server published earlier is pinned by the commission.
    expect(
      await verifyThroughApi(hidden, key.publicKey, { pinned: { treeSize: 20 } }),
    ).toMatchObject({
      ok: false,
      index: 17,
    });
  });

  it('refuses a log signed by any other key', async () => {
    const other = AuditSigningKey.parse(Buffer.alloc(32, 4).toString('base64'));
    expect(await verifyThroughApi(serverOf(logOf(5)), other.publicKey)).toMatchObject({
      ok: false,
      index: 0,
      reason: expect.stringMatching(/signature/),
    });
  });

  it('takes the key from --public-key, the environment, or (flagged) the server', async () => {
    const pem = key.publicKeyPem();
    expect((await trustedKey(pem, {}, undefined)).origin).toBe('file');
    expect((await trustedKey(undefined, { ACD_AUDIT_PUBLIC_KEY: pem }, undefined)).origin).toBe(
      'env',
    );
    const fromServer = await trustedKey(undefined, {}, serverOf(logOf(1)));
    expect(fromServer).toMatchObject({ origin: 'server', keyId: key.keyId });
    await expect(trustedKey(undefined, {}, undefined)).rejects.toMatchObject({ exitCode: 2 });
    await expect(trustedKey('garbage', {}, undefined)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('checks inclusion of an entry against a signed head, recomputing the leaf', async () => {
    const log = logOf(30);
    expect(await checkInclusion(serverOf(log), key.publicKey, 11, 20)).toMatchObject({ ok: true });
    expect(await checkInclusion(serverOf(log), key.publicKey, 29)).toMatchObject({ ok: true });
    const altered = logOf(30);
    altered[11] = { ...altered[11]!, entry: { ...altered[11]!.entry, orgId: 'mallory' } };
    // The server recomputes its proofs from the altered data: the signed root gives it away.
    expect(await checkInclusion(serverOf(altered), key.publicKey, 11, 20)).toMatchObject({
      ok: false,
    });
  });

  it('checks consistency between two sizes, and catches a rewritten history', async () => {
    expect(await checkConsistency(serverOf(logOf(30)), key.publicKey, 7, 30)).toMatchObject({
      ok: true,
    });
    const forked = logOf(30);
    const rewritten = new LogAppender(key);
    // Even with the key, rewriting entry 3 changes every later head: sizes 7 and 30 disagree.
    const replay = forked.map((r, i) =>
      rewritten.append(
        {
          metadata: {
            ...r.entry,
            orgId: i === 3 ? 'mallory' : r.entry.orgId,
            occurredAt: new Date(r.entry.occurredAt),
          },
          data: r.entry.payload,
          source: r.entry.source,
        },
        r.head.timestamp,
      ),
    );
    const mixed = forked.map((r, i) =>
      i < 7 ? r : { entry: replay[i]!.entry, head: replay[i]!.head },
    );
    expect(await checkConsistency(serverOf(mixed), key.publicKey, 7, 30)).toMatchObject({
      ok: false,
    });
  });
});
