import { readFileSync, writeFileSync } from 'node:fs';
import { Help, Option, SubCommand } from 'nest-commander';
import type { PinnedHead, VerifyResult } from '@acd/audit';
import { kafkaSchema, loadConfig } from '@acd/config';
import { createKafka, SchemaSet, schemasDir, TopicNames } from '@acd/messaging';
import { verifyLogTopic } from '@acd/audit';
import { ApiClient, resolveConfig } from './api-client';
import { ApiCommand, CONFIG_HELP, note, write, type ApiOptions } from './api-command';
import {
  checkConsistency,
  checkInclusion,
  notFoundHint,
  trustedKey,
  verifyThroughApi,
  type ProofResult,
} from './audit-verification';
import { CliError, ExitCode, UsageError } from './exit-codes';

interface VerifyOptions extends ApiOptions {
  publicKey?: string;
  entry?: number;
  treeSize?: number;
  fromSize?: number;
  toSize?: number;
  source?: 'api' | 'topic';
  topic?: string;
  trustedHead?: string;
  saveHead?: string;
  json?: boolean;
}

const wholeNumber =
  (name: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new UsageError(`${name} must be a whole number of at least ${min}, not "${value}"`);
    return n;
  };

@SubCommand({
  name: 'verify',
  description:
    'verify the audit log: every entry, the Merkle tree and every signed tree head (or one inclusion / consistency proof)',
})
export class AuditVerifyCommand extends ApiCommand<VerifyOptions> {
  async run(_: string[], opts: VerifyOptions): Promise<void> {
    const source = opts.source ?? 'api';
    if (opts.entry !== undefined && (opts.fromSize !== undefined || opts.toSize !== undefined))
      throw new UsageError('--entry and --from-size/--to-size are separate checks: choose one');
    if ((opts.fromSize === undefined) !== (opts.toSize === undefined))
      throw new UsageError('--from-size and --to-size go together');
    if (opts.fromSize !== undefined && opts.toSize !== undefined && opts.fromSize > opts.toSize)
      throw new UsageError('--from-size must not exceed --to-size');
    if (source === 'topic' && (opts.entry !== undefined || opts.fromSize !== undefined))
      throw new UsageError('proofs come from the API; --source topic verifies the whole log');
    if (opts.topic !== undefined && source !== 'topic')
      throw new UsageError('--topic needs --source topic');
    const pinned = opts.trustedHead ? readPinned(opts.trustedHead) : undefined;
    const publicKeyText =
      opts.publicKey !== undefined ? readText(opts.publicKey, '--public-key') : undefined;

    if (source === 'topic') {
      const trusted = await trustedKey(publicKeyText, process.env, undefined);
      return this.finish(await this.verifyTopic(opts, trusted.key, pinned), opts);
    }

    const client = new ApiClient(resolveConfig(opts));
    const trusted = await trustedKey(publicKeyText, process.env, client).catch(notFoundHint);
    if (trusted.origin === 'server')
      note(
        `WARNING: no trusted public key given (--public-key <file> or ACD_AUDIT_PUBLIC_KEY): checking against the key the server reports (key id ${trusted.keyId}). That proves the log agrees with itself, not that the bus signed it.`,
      );
    if (opts.entry !== undefined)
      return this.proof(
        await checkInclusion(client, trusted.key, opts.entry, opts.treeSize).catch(notFoundHint),
        opts,
      );
    if (opts.fromSize !== undefined && opts.toSize !== undefined)
      return this.proof(
        await checkConsistency(client, trusted.key, opts.fromSize, opts.toSize).catch(notFoundHint),
        opts,
      );
    const result = await verifyThroughApi(client, trusted.key, {
      ...(pinned ? { pinned } : {}),
      onProgress: progress(),
    }).catch(notFoundHint);
    return this.finish(result, opts);
  }

  private async verifyTopic(
    opts: VerifyOptions,
    key: import('node:crypto').KeyObject,
    pinned?: PinnedHead,
  ): Promise<VerifyResult> {
    const cfg = loadConfig(kafkaSchema);
    const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    const topic = opts.topic ?? topics.of('auditLog');
    const kafka = createKafka(cfg, 'cli-audit', { retry: { retries: 2, initialRetryTime: 300 } });
    const codec = await SchemaSet.load(schemasDir());
    try {
      return await verifyLogTopic(kafka, codec, topic, key, {
        groupPrefix: topics.group('acd.cli.audit'),
        ...(pinned ? { pinned } : {}),
        onProgress: progress(),
      });
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      const message = err instanceof Error ? err.message : String(err);
      if (/UNKNOWN_TOPIC|does not host this topic-partition/i.test(message))
        throw new CliError(`topic ${topic} does not exist`, ExitCode.usage);
      if (name.startsWith('KafkaJS'))
        throw new CliError(
          `cannot read ${topic} from ${cfg.KAFKA_BROKERS.join(',')}: ${message}`,
          ExitCode.unreachable,
        );
      throw err;
    }
  }

  private finish(result: VerifyResult & { newest?: unknown }, opts: VerifyOptions): void {
    if (opts.json) write(JSON.stringify(result));
    if (!result.ok) {
      if (!opts.json)
        write(
          `audit log verification FAILED at entry ${result.index}: ${result.reason} (${result.checked} entries verified before it)`,
        );
      process.exitCode = ExitCode.refused;
      return;
    }
    if (opts.saveHead && result.latest)
      writeFileSync(opts.saveHead, JSON.stringify(result.latest, null, 2) + '\n');
    if (!opts.json)
      write(
        `audit log verified: ${result.size} entries, root ${result.rootHash}` +
          (result.latest
            ? `, newest head signed ${new Date(result.latest.timestamp).toISOString()}`
            : ''),
      );
  }

  private proof(result: ProofResult, opts: VerifyOptions): void {
    if (opts.json) write(JSON.stringify(result));
    else
      write(result.ok ? `verified: ${result.message}` : `verification FAILED: ${result.message}`);
    if (!result.ok) process.exitCode = ExitCode.refused;
  }

  @Option({
    flags: '--public-key <file>',
    description:
      "the bus's Ed25519 public key (SPKI PEM or base64 raw); env ACD_AUDIT_PUBLIC_KEY holds the same text",
  })
  parsePublicKey(v: string): string {
    return v;
  }

  @Option({
    flags: '--entry <index>',
    description: 'check the inclusion proof of one entry against a signed head',
  })
  parseEntry(v: string): number {
    return wholeNumber('--entry', 0)(v);
  }

  @Option({
    flags: '--tree-size <size>',
    description: 'with --entry: the tree size to prove against (default: the newest)',
  })
  parseTreeSize(v: string): number {
    return wholeNumber('--tree-size', 1)(v);
  }

  @Option({
    flags: '--from-size <size>',
    description: 'check the consistency proof from this tree size...',
  })
  parseFrom(v: string): number {
    return wholeNumber('--from-size', 1)(v);
  }

  @Option({ flags: '--to-size <size>', description: '...to this one' })
  parseTo(v: string): number {
    return wholeNumber('--to-size', 1)(v);
  }

  @Option({
    flags: '--source <api|topic>',
    description:
      'where to read the log: the REST API (default) or Kafka (KAFKA_BROKERS, ACD_TOPIC_PREFIX)',
  })
  parseSource(v: string): 'api' | 'topic' {
    if (v !== 'api' && v !== 'topic')
      throw new UsageError(`--source must be api or topic, not "${v}"`);
    return v;
  }

  @Option({
    flags: '--topic <name>',
    description: 'with --source topic: verify this topic (e.g. a copy) instead of acd.audit.log.v1',
  })
  parseTopic(v: string): string {
    return v;
  }

  @Option({
    flags: '--trusted-head <file>',
    description:
      'a head verified earlier (JSON with treeSize and rootHash): the log must still contain it',
  })
  parseTrusted(v: string): string {
    return v;
  }

  @Option({
    flags: '--save-head <file>',
    description:
      'after a full verification, write the newest head here (for --trusted-head next time)',
  })
  parseSave(v: string): string {
    return v;
  }

  @Option({ flags: '--json', description: 'print the result as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `
Exit codes: 0 verified, 1 verification failed (the first bad entry is named) or refused,
2 usage, 3 unreachable. Progress goes to stderr.

Examples:
  acd audit verify --public-key audit-public.pem --save-head head.json
  acd audit verify --public-key audit-public.pem --trusted-head head.json
  acd audit verify --entry 42 --tree-size 100
  acd audit verify --from-size 100 --to-size 250
  KAFKA_BROKERS=127.0.0.1:9092 acd audit verify --source topic --public-key audit-public.pem
${CONFIG_HELP}`;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function readPinned(path: string): PinnedHead {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path, '--trusted-head'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new UsageError(`--trusted-head: ${path} is not JSON`);
  }
  const h = raw as { treeSize?: unknown; rootHash?: unknown };
  if (!Number.isSafeInteger(h.treeSize) || (h.treeSize as number) < 1)
    throw new UsageError('--trusted-head: treeSize must be a whole number of at least 1');
  if (
    h.rootHash !== undefined &&
    (typeof h.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(h.rootHash))
  )
    throw new UsageError('--trusted-head: rootHash must be 64 lower-case hex characters');
  return {
    treeSize: h.treeSize as number,
    ...(typeof h.rootHash === 'string' ? { rootHash: h.rootHash } : {}),
  };
}

/** A line on stderr at most every two seconds. */
function progress(): (p: { checked: number; total: number; unit: string }) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 2_000 && p.checked < p.total) return;
    last = now;
    process.stderr.write(`verified ${p.checked} of ${p.total} ${p.unit}\n`);
  };
}
