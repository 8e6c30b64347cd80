import type { Collection, Db, OptionalUnlessRequiredId } from 'mongodb';
import {
  CompactRange,
  hashesOfPerfectNodes,
  nodesRead,
  type NodeId,
  type PerfectNode,
} from '../domain/compact-range';
import { consistencyProof, inclusionProof, type SubtreeHashes } from '../domain/merkle';
import { type AuditEntry } from '../domain/audit-entry';
import { type JsonValue } from '../domain/canonical-json';
import { type LogRecord } from '../domain/log-verifier';
import { type SignedTreeHead } from '../domain/tree-head';

/**
 * The audit log's read model, rebuilt from acd.audit.log.v1 at any time:
 * - `audit_entries`: one document per entry, `_id` = index, with the tree head signed with it.
 *   The payload is kept as its canonical JSON text: FerretDB v1 refuses nested arrays and some
 *   member names a payload may have.
 * - `audit_nodes`: the hash of every perfect subtree (`level:index`), so roots and proofs for
 *   any size read O(log² n) nodes and never the leaves.
 * - `audit_state`: how far the store is (entries held, next topic offset) and the signing key.
 */
export interface AuditEntryDoc {
  _id: number;
  eventType: string;
  eventId: string;
  orgId: string;
  /** The acting member, for entries that name one. */
  actor?: string;
  aggregateId: string;
  occurredAt: string;
  source: { topic: string; partition: number; offset: string };
  payloadJson: string;
  head: SignedTreeHead;
  keyId: string;
}

interface AuditNodeDoc {
  _id: string;
  level: number;
  index: number;
  /** Leaves covered end here (exclusive): nodes beyond a crash point are found by it. */
  end: number;
  hash: string;
}

export interface AuditStateDoc {
  _id: 'log';
  size: number;
  nextOffset: string;
  keyId: string | null;
  publicKeyPem: string | null;
  /** The newest signed tree head: kept apart from the entries, so a removed tail shows. */
  head?: SignedTreeHead;
  /**
   * Entries [0, sourcesIndexed) have their `audit_sources` documents. Absent on a store written
   * before that index existed: `indexSources` fills it in at start.
   */
  sourcesIndexed?: number;
  updatedAt: Date;
}

/**
 * `audit_reads`: one document per item of every recorded read (`ReadRecorded` entry), keyed
 * `<item id>|<entry index, 12 digits>`, so "who read this item" is one `_id` range (the one index
 * every store has) however long the log grows. Entries are fixed by their index, so a replay
 * after a crash writes the same documents again (duplicates are ignored); a reader only trusts
 * those below the recorded size, and checks each against the log.
 */
export interface AuditReadDoc {
  _id: string;
  itemId: string;
  kind: string;
  tlp: string;
  index: number;
  orgId: string;
  actor: string | null;
  route: string;
  readAt: string;
}

/**
 * `audit_sources`: one document per entry copied from an audited topic, recorded reads excepted
 * (they have `audit_reads`), keyed `<source topic>|<entry index, 12 digits>`, so every entry of
 * one topic (every oversight event, say) is one `_id` range, however many reads the log holds.
 */
export interface AuditSourceDoc {
  _id: string;
  index: number;
  eventType: string;
}

const INDEX_DIGITS = 12;
const sourceKey = (topic: string, index: number): string =>
  `${topic}|${String(index).padStart(INDEX_DIGITS, '0')}`;

/** The source-index document of one entry (none for a recorded read). */
export function sourceDocsOf(entry: AuditEntry): AuditSourceDoc[] {
  if (entry.eventType === 'ReadRecorded') return [];
  return [
    {
      _id: sourceKey(entry.source.topic, entry.index),
      index: entry.index,
      eventType: entry.eventType,
    },
  ];
}

const readKey = (itemId: string, index: number): string =>
  `${itemId}|${String(index).padStart(INDEX_DIGITS, '0')}`;

/** The read-index documents of one entry (none unless it records a read). */
export function readDocsOf(entry: AuditEntry): AuditReadDoc[] {
  if (entry.eventType !== 'ReadRecorded') return [];
  const p = entry.payload as {
    subject?: unknown;
    route?: unknown;
    readAt?: unknown;
    items?: unknown;
  } | null;
  if (!p || !Array.isArray(p.items)) return [];
  const seen = new Set<string>();
  const out: AuditReadDoc[] = [];
  for (const raw of p.items as { kind?: unknown; id?: unknown; tlp?: unknown }[]) {
    if (typeof raw?.id !== 'string' || seen.has(raw.id)) continue;
    seen.add(raw.id);
    out.push({
      _id: readKey(raw.id, entry.index),
      itemId: raw.id,
      kind: typeof raw.kind === 'string' ? raw.kind : '',
      tlp: typeof raw.tlp === 'string' ? raw.tlp : '',
      index: entry.index,
      orgId: entry.orgId,
      actor: entry.actor ?? (typeof p.subject === 'string' ? p.subject : null),
      route: typeof p.route === 'string' ? p.route : '',
      readAt:
        typeof p.readAt === 'number'
          ? new Date(p.readAt).toISOString()
          : typeof p.readAt === 'string'
            ? p.readAt
            : entry.occurredAt,
    });
  }
  return out;
}

/** FerretDB v1 stalls on large write commands; 50 statements per command stays well clear. */
const CHUNK = 50;

export class AuditStore {
  constructor(private readonly db: Db) {}

  private get entries(): Collection<AuditEntryDoc> {
    return this.db.collection<AuditEntryDoc>('audit_entries');
  }

  private get nodes(): Collection<AuditNodeDoc> {
    return this.db.collection<AuditNodeDoc>('audit_nodes');
  }

  private get reads(): Collection<AuditReadDoc> {
    return this.db.collection<AuditReadDoc>('audit_reads');
  }

  private get sources(): Collection<AuditSourceDoc> {
    return this.db.collection<AuditSourceDoc>('audit_sources');
  }

  private get stateCollection(): Collection<AuditStateDoc> {
    return this.db.collection<AuditStateDoc>('audit_state');
  }

  async state(): Promise<AuditStateDoc> {
    return (
      (await this.stateCollection.findOne({ _id: 'log' })) ?? {
        _id: 'log',
        size: 0,
        nextOffset: '0',
        keyId: null,
        publicKeyPem: null,
        updatedAt: new Date(0),
      }
    );
  }

  /** Drops whatever a crash left beyond the recorded size, and returns the frontier there. */
  async recover(): Promise<{ state: AuditStateDoc; range: CompactRange }> {
    const state = await this.state();
    await this.entries.deleteMany({ _id: { $gte: state.size } });
    await this.nodes.deleteMany({ end: { $gt: state.size } });
    const ids = CompactRange.nodesOf(state.size);
    const found = await this.nodeHashes(ids);
    const hashes = ids.map((id) => {
      const h = found.get(key(id));
      if (!h) throw new Error(`audit store lacks node ${key(id)} of its frontier: rebuild it`);
      return h;
    });
    return { state, range: CompactRange.fromHashes(state.size, hashes) };
  }

  /** Stores a contiguous run of entries and their new nodes, then moves the state on. */
  async append(
    records: readonly (LogRecord & { keyId: string })[],
    nodes: readonly PerfectNode[],
    next: { size: number; nextOffset: string; publicKeyPem: string | null },
  ): Promise<void> {
    const docs = records.map(toDoc);
    for (let i = 0; i < docs.length; i += CHUNK)
      await this.entries.insertMany(docs.slice(i, i + CHUNK), { ordered: true });
    const nodeDocs = nodes.map((n): AuditNodeDoc => ({
      _id: key(n),
      level: n.level,
      index: n.index,
      end: (n.index + 1) * 2 ** n.level,
      hash: n.hash.toString('hex'),
    }));
    for (let i = 0; i < nodeDocs.length; i += CHUNK)
      await this.nodes.insertMany(nodeDocs.slice(i, i + CHUNK), { ordered: true });
    const readDocs = records.flatMap((r) => readDocsOf(r.entry));
    for (let i = 0; i < readDocs.length; i += CHUNK)
      await insertIgnoringDuplicates(this.reads, readDocs.slice(i, i + CHUNK));
    const sourceDocs = records.flatMap((r) => sourceDocsOf(r.entry));
    for (let i = 0; i < sourceDocs.length; i += CHUNK)
      await insertIgnoringDuplicates(this.sources, sourceDocs.slice(i, i + CHUNK));
    const last = records[records.length - 1];
    await this.stateCollection.updateOne(
      { _id: 'log' },
      {
        $set: {
          size: next.size,
          nextOffset: next.nextOffset,
          // Appends run only after `indexSources` caught up, so every entry below is indexed.
          sourcesIndexed: next.size,
          ...(last ? { keyId: last.keyId, head: { ...last.head } } : {}),
          ...(next.publicKeyPem ? { publicKeyPem: next.publicKeyPem } : {}),
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  async setPublicKey(keyId: string, publicKeyPem: string): Promise<void> {
    await this.stateCollection.updateOne(
      { _id: 'log' },
      {
        $set: { keyId, publicKeyPem, updatedAt: new Date() },
        $setOnInsert: { size: 0, nextOffset: '0' },
      },
      { upsert: true },
    );
  }

  /** Entries from `from` in index order, at most `limit`, each with its signed head. */
  async page(from: number, limit: number, below: number): Promise<LogRecord[]> {
    const docs = await this.entries
      .find({ _id: { $gte: from, $lt: below } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(fromDoc);
  }

  /**
   * The recorded reads of one item, oldest first, from entry index `from`: at most `limit`, and
   * only entries the store holds (below `below`, its size).
   */
  async readsOf(
    itemId: string,
    from: number,
    limit: number,
    below: number,
  ): Promise<AuditReadDoc[]> {
    const docs = await this.reads
      .find({ _id: { $gte: readKey(itemId, from), $lt: readKey(itemId, below) } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.filter((d) => d.itemId === itemId);
  }

  async entry(index: number): Promise<LogRecord | null> {
    const doc = await this.entries.findOne({ _id: index });
    return doc ? fromDoc(doc) : null;
  }

  /** The head signed with the tree of `size` entries (the head of entry size-1). */
  async headAt(size: number): Promise<SignedTreeHead | null> {
    if (size < 1) return null;
    const doc = await this.entries.findOne({ _id: size - 1 }, { projection: { head: 1 } });
    return doc?.head ?? null;
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return this.withNodes((h) => inclusionProof(h, index, size));
  }

  /** The entries at these indexes that the store holds, in one query. */
  async entriesAt(indexes: readonly number[]): Promise<Map<number, LogRecord>> {
    const docs = await this.entries.find({ _id: { $in: [...indexes] } }).toArray();
    return new Map(docs.map((d) => [d._id, fromDoc(d)]));
  }

  /** Inclusion proofs of several entries in the tree of `size`: their nodes read together. */
  async inclusionProofs(indexes: readonly number[], size: number): Promise<Map<number, Buffer[]>> {
    const proofs = await this.withNodes((h) => indexes.map((i) => inclusionProof(h, i, size)));
    return new Map(indexes.map((index, k) => [index, proofs[k] ?? []]));
  }

  async consistencyProof(first: number, second: number): Promise<Buffer[]> {
    return this.withNodes((h) => consistencyProof(h, first, second));
  }

  /** Runs a proof over stored nodes: one query for every node it reads. */
  private async withNodes<T>(compute: (h: SubtreeHashes) => T): Promise<T> {
    const ids = nodesRead(compute);
    const found = await this.nodeHashes(ids);
    return compute(
      hashesOfPerfectNodes((level, index) => {
        const h = found.get(`${level}:${index}`);
        if (!h) throw new Error(`audit store lacks node ${level}:${index}`);
        return h;
      }),
    );
  }

  private async nodeHashes(ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const docs = await this.nodes
        .find({ _id: { $in: ids.slice(i, i + CHUNK).map(key) } })
        .toArray();
      for (const d of docs) out.set(d._id, Buffer.from(d.hash, 'hex'));
    }
    return out;
  }

  /**
   * Fills in `audit_sources` for the entries a store written before that index holds, in pages,
   * recording its progress, so a crash resumes where it stopped. Run before appending.
   */
  async indexSources(onProgress?: (indexed: number, size: number) => void): Promise<void> {
    let state = await this.state();
    let from = state.sourcesIndexed ?? 0;
    while (from < state.size) {
      const page = await this.page(from, CHUNK, state.size);
      if (page.length === 0) break;
      await insertIgnoringDuplicates(
        this.sources,
        page.flatMap((r) => sourceDocsOf(r.entry)),
      );
      from = page[page.length - 1]!.entry.index + 1;
      await this.stateCollection.updateOne({ _id: 'log' }, { $set: { sourcesIndexed: from } });
      onProgress?.(from, state.size);
      state = await this.state();
    }
  }

  /**
   * The entries copied from `topic` (recorded reads excepted), in index order, from entry index
   * `from`: at most `limit`, and only below `below` (the store's size). Null while the source
   * index is still being filled in for an older store.
   */
  async entriesFromSource(
    topic: string,
    from: number,
    limit: number,
    below: number,
  ): Promise<LogRecord[] | null> {
    const state = await this.state();
    if ((state.sourcesIndexed ?? 0) < below) return null;
    const keys = await this.sources
      .find({ _id: { $gte: sourceKey(topic, from), $lt: sourceKey(topic, below) } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    const records = await this.entriesAt(keys.map((k) => k.index));
    return keys.flatMap((k) => {
      const r = records.get(k.index);
      return r ? [r] : [];
    });
  }

  /** For `rebuild`: the store starts again from the topic's first record. */
  async drop(): Promise<void> {
    await this.entries.deleteMany({});
    await this.nodes.deleteMany({});
    await this.reads.deleteMany({});
    await this.sources.deleteMany({});
    await this.stateCollection.deleteMany({});
  }
}

const key = (id: NodeId): string => `${id.level}:${id.index}`;

function toDoc(r: LogRecord & { keyId: string }): AuditEntryDoc {
  const e = r.entry;
  return {
    _id: e.index,
    eventType: e.eventType,
    eventId: e.eventId,
    orgId: e.orgId,
    ...(e.actor !== undefined ? { actor: e.actor } : {}),
    aggregateId: e.aggregateId,
    occurredAt: e.occurredAt,
    source: { ...e.source },
    payloadJson: JSON.stringify(e.payload),
    head: { ...r.head },
    keyId: r.keyId,
  };
}

function fromDoc(d: AuditEntryDoc): LogRecord {
  let payload: JsonValue;
  try {
    payload = JSON.parse(d.payloadJson) as JsonValue;
  } catch {
    // Kept as text: the verifier then names this entry as altered.
    payload = d.payloadJson;
  }
  const entry: AuditEntry = {
    index: d._id,
    eventType: d.eventType,
    eventId: d.eventId,
    orgId: d.orgId,
    ...(d.actor !== undefined ? { actor: d.actor } : {}),
    aggregateId: d.aggregateId,
    occurredAt: d.occurredAt,
    source: {
      topic: d.source?.topic,
      partition: d.source?.partition,
      offset: d.source?.offset,
    },
    payload,
  };
  return {
    entry,
    head: {
      treeSize: d.head?.treeSize,
      timestamp: d.head?.timestamp,
      rootHash: d.head?.rootHash,
      signature: d.head?.signature,
    },
  };
}

/** Inserts documents whose `_id` may already be there (a replay after a crash): those stay. */
async function insertIgnoringDuplicates<D extends { _id: string }>(
  collection: Collection<D>,
  docs: D[],
): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as OptionalUnlessRequiredId<D>[], { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { code?: number }[] }).writeErrors;
    if (!Array.isArray(writeErrors) || !writeErrors.every((e) => e.code === 11000)) throw err;
  }
}
