import type { KeyObject } from 'node:crypto';
import {
  entryLeafHash,
  keyIdOf,
  LogVerifier,
  parsePublicKey,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type AuditEntry,
  type LogProgressListener,
  type PinnedHead,
  type SignedTreeHead,
  type VerifyResult,
} from '@acd/audit';
import type { ApiClient } from './api-client';
import { ApiError } from './api-client';
import { CliError, ExitCode } from './exit-codes';

/**
 * What `acd audit verify` checks through the REST API. Nothing the server says is believed:
 * leaves are recomputed from the entries, roots from the leaves, and every head is checked
 * against the trusted key.
 */

export interface HeadView extends SignedTreeHead {
  keyId?: string | null;
}

interface EntriesPage {
  treeSize: number;
  entries: { entry: AuditEntry; head: SignedTreeHead }[];
  next: number | null;
}

interface InclusionView {
  index: number;
  treeSize: number;
  entry: AuditEntry;
  proof: string[];
  head: SignedTreeHead;
}

interface ConsistencyView {
  first: number;
  second: number;
  firstHead: SignedTreeHead | null;
  secondHead: SignedTreeHead | null;
  proof: string[];
}

export interface TrustedKey {
  key: KeyObject;
  /** Where it came from: a file, the environment, or (with a warning) the server itself. */
  origin: 'file' | 'env' | 'server';
  keyId: string;
}

/** The trusted key: --public-key file, else ACD_AUDIT_PUBLIC_KEY, else what the server reports. */
export async function trustedKey(
  fromFile: string | undefined,
  env: NodeJS.ProcessEnv,
  client: ApiClient | undefined,
): Promise<TrustedKey> {
  const parse = (text: string, origin: TrustedKey['origin']): TrustedKey => {
    try {
      const key = parsePublicKey(text);
      return { key, origin, keyId: keyIdOf(key) };
    } catch (err) {
      throw new CliError(
        `${origin === 'file' ? '--public-key' : origin === 'env' ? 'ACD_AUDIT_PUBLIC_KEY' : 'the server'}: ${(err as Error).message}`,
        origin === 'server' ? ExitCode.refused : ExitCode.usage,
      );
    }
  };
  if (fromFile !== undefined) return parse(fromFile, 'file');
  if (env.ACD_AUDIT_PUBLIC_KEY?.trim()) return parse(env.ACD_AUDIT_PUBLIC_KEY, 'env');
  if (!client)
    throw new CliError(
      'no trusted public key: pass --public-key <file> or set ACD_AUDIT_PUBLIC_KEY',
      ExitCode.usage,
    );
  const body = await client.request<{ publicKeyPem: string }>('GET', '/v1/audit/public-key');
  return parse(body.publicKeyPem, 'server');
}

/** Replays the whole stored log, page by page, and checks it against the newest head. */
export async function verifyThroughApi(
  client: ApiClient,
  key: KeyObject,
  opts: { pinned?: PinnedHead; pageSize?: number; onProgress?: LogProgressListener } = {},
): Promise<VerifyResult & { newest?: HeadView }> {
  const newest = await client.request<HeadView>('GET', '/v1/audit/head');
  const verifier = new LogVerifier(key, opts.pinned);
  let from: number | null = 0;
  while (from !== null) {
    const page: EntriesPage = await client.request<EntriesPage>('GET', '/v1/audit/entries', {
      query: { from, limit: opts.pageSize ?? 1000 },
    });
    for (const r of page.entries) {
      const failure = verifier.push(r);
      if (failure) return failure;
    }
    opts.onProgress?.({ checked: verifier.size, total: newest.treeSize, unit: 'entries' });
    from = page.next;
    // Entries beyond the newest head appeared meanwhile: the head we hold covers what we need.
    if (from !== null && from >= newest.treeSize) from = null;
  }
  const result = verifier.finish(newest);
  return result.ok ? { ...result, newest } : result;
}

export type ProofResult = { ok: true; message: string } | { ok: false; message: string };

/** Entry N against the signed head of a tree that includes it. */
export async function checkInclusion(
  client: ApiClient,
  key: KeyObject,
  index: number,
  treeSize?: number,
): Promise<ProofResult> {
  const view = await client.request<InclusionView>('GET', '/v1/audit/proofs/inclusion', {
    query: { index, ...(treeSize !== undefined ? { treeSize } : {}) },
  });
  if (view.entry.index !== index)
    return { ok: false, message: `the server returned entry ${view.entry.index}, not ${index}` };
  if (!verifyTreeHead(key, view.head))
    return {
      ok: false,
      message: `the tree head of size ${view.head.treeSize} is not signed by the trusted key`,
    };
  if (treeSize !== undefined && view.head.treeSize !== treeSize)
    return {
      ok: false,
      message: `asked for tree size ${treeSize}, got a head of ${view.head.treeSize}`,
    };
  const ok = verifyInclusion(
    entryLeafHash(view.entry),
    index,
    view.head.treeSize,
    view.proof.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(view.head.rootHash, 'hex'),
  );
  return ok
    ? {
        ok: true,
        message: `entry ${index} (${view.entry.eventType} by ${view.entry.orgId}) is included in the signed tree of ${view.head.treeSize} entries (root ${view.head.rootHash})`,
      }
    : {
        ok: false,
        message: `entry ${index}: the inclusion proof does not lead to the signed root of ${view.head.treeSize} entries (entry altered, or proof wrong)`,
      };
}

/** The tree of A entries is a prefix of the tree of B entries, both heads signed. */
export async function checkConsistency(
  client: ApiClient,
  key: KeyObject,
  first: number,
  second: number,
): Promise<ProofResult> {
  const view = await client.request<ConsistencyView>('GET', '/v1/audit/proofs/consistency', {
    query: { first, second },
  });
  const { firstHead, secondHead } = view;
  if (!firstHead || !secondHead)
    return { ok: false, message: 'the server returned no head for a size' };
  for (const [head, size] of [
    [firstHead, first],
    [secondHead, second],
  ] as const) {
    if (head.treeSize !== size)
      return { ok: false, message: `asked for size ${size}, got a head of ${head.treeSize}` };
    if (!verifyTreeHead(key, head))
      return {
        ok: false,
        message: `the tree head of size ${size} is not signed by the trusted key`,
      };
  }
  const ok = verifyConsistency(
    first,
    second,
    view.proof.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(firstHead.rootHash, 'hex'),
    Buffer.from(secondHead.rootHash, 'hex'),
  );
  return ok
    ? {
        ok: true,
        message: `the tree of ${first} entries (root ${firstHead.rootHash}) is a prefix of the tree of ${second} entries (root ${secondHead.rootHash})`,
      }
    : {
        ok: false,
        message: `the trees of ${first} and ${second} entries are not consistent: the log was rewritten between them`,
      };
}

export function notFoundHint(err: unknown): never {
  if (err instanceof ApiError && err.status === 404)
    throw new CliError(
      `${err.message} (the audit API answers only the oversight commission; others get 404)`,
      ExitCode.refused,
    );
  throw err;
}
