import { Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  checkProvenReads,
  entryJson,
  entryLeafHash,
  parsePublicKey,
  type LogRecord,
  AuditStore,
} from '@acd/audit';
import type { Organisation } from '@acd/identity';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { badRequest, ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  auditEntriesSchema,
  consistencyProofSchema,
  inclusionProofSchema,
  readsOfItemSchema,
} from './audit.schemas';
import { PersonalTokenOnly } from '../auth/token-kind';
import { notFound } from '../common/command-outcome';

/** Whoever is not the oversight commission finds no audit log here at all. */
function commissionOnly(org: Organisation): void {
  if (org.kind !== 'oversight-commission') throw notFound();
}

const present = (r: LogRecord) => ({
  entry: r.entry,
  leafHash: entryLeafHash(r.entry).toString('hex'),
  head: r.head,
});

@ApiTags('audit')
@ApiBearerAuth()
@PersonalTokenOnly()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly store: AuditStore) {}

  @Get('head')
  @ApiOperation({
    summary:
      'The newest signed tree head of the audit log (oversight commission only; 404 for others)',
  })
  @ApiResponse({
    status: 200,
    description: '{"treeSize", "timestamp", "rootHash", "signature", "keyId"}',
  })
  async head(@CurrentOrg() org: Organisation) {
    commissionOnly(org);
    const state = await this.store.state();
    if (!state.head) throw new NotFoundException('the audit log is empty');
    return { ...state.head, keyId: state.keyId };
  }

  @Get('public-key')
  @ApiOperation({
    summary:
      "The bus's Ed25519 public key that signs tree heads (SPKI PEM). Verify against a key obtained out of band; this one is only what the server says.",
  })
  async publicKey(@CurrentOrg() org: Organisation) {
    commissionOnly(org);
    const state = await this.store.state();
    if (!state.publicKeyPem) throw new NotFoundException('no audit key registered yet');
    return { keyId: state.keyId, publicKeyPem: state.publicKeyPem, algorithm: 'Ed25519' };
  }

  @Get('entries')
  @ApiOperation({
    summary:
      'Entries in index order, each with its leaf hash and the tree head signed with it; `next` is the index to ask for next',
  })
  @ApiQuery({ name: 'from', required: false, description: 'first index, default 0' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  async entries(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(auditEntriesSchema)) q: { from: number; limit: number },
  ) {
    commissionOnly(org);
    const state = await this.store.state();
    const page = await this.store.page(q.from, q.limit, state.size);
    const last = page[page.length - 1];
    const next = last && last.entry.index + 1 < state.size ? last.entry.index + 1 : null;
    return { treeSize: state.size, entries: page.map(present), next };
  }

  @Get('reads')
  @ApiOperation({
    summary:
      'Who read an item and when: every recorded read of `item` (an incident, asset, compliance file, oversight request, RED/AMBER indicator or advisory, flow batch...), oldest first, each with its audit entry and its inclusion proof in the tree of `head`; the server has checked each (`verified`), and `acd audit who-read` checks them again against a pinned key (oversight commission only; 404 for others)',
  })
  @ApiQuery({ name: 'item', required: true, description: 'the item id' })
  @ApiQuery({ name: 'from', required: false, description: 'first audit index, default 0' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100' })
  async readsOf(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(readsOfItemSchema))
    q: { item: string; from: number; limit: number },
  ) {
    commissionOnly(org);
    const state = await this.store.state();
    const head = state.head;
    if (!head || !state.publicKeyPem)
      return { item: q.item, treeSize: 0, head: null, reads: [], next: null };
    const size = head.treeSize;
    const hits = await this.store.readsOf(q.item, q.from, q.limit + 1, size);
    const page = hits.slice(0, q.limit);
    // Two queries for the page, whatever its length: its entries, and every node their proofs read.
    const indexes = page.map((hit) => hit.index);
    const [records, proofs] = await Promise.all([
      this.store.entriesAt(indexes),
      this.store.inclusionProofs(indexes, size),
    ]);
    const proven = indexes.flatMap((index) => {
      const record = records.get(index);
      if (!record) return [];
      const proof = (proofs.get(index) ?? []).map((p) => p.toString('hex'));
      return [{ index, entry: record.entry, proof }];
    });
    const checks = checkProvenReads(parsePublicKey(state.publicKeyPem), head, q.item, proven);
    return {
      item: q.item,
      treeSize: size,
      head: { ...head, keyId: state.keyId },
      reads: proven.map((r, i) => {
        const check = checks[i] ?? { ok: false as const, reason: 'not-in-tree', detail: '' };
        const items = (r.entry.payload as { items?: { id: string; kind: string; tlp: string }[] })
          .items;
        const item = items?.find((x) => x.id === q.item);
        const payload = r.entry.payload as { route?: string; readAt?: unknown; subject?: string };
        return {
          index: r.index,
          orgId: r.entry.orgId,
          actor: r.entry.actor ?? payload.subject ?? null,
          route: payload.route ?? null,
          kind: item?.kind ?? null,
          tlp: item?.tlp ?? null,
          readAt: r.entry.occurredAt,
          entry: r.entry,
          entryJson: entryJson(r.entry),
          leafHash: entryLeafHash(r.entry).toString('hex'),
          proof: r.proof,
          verified: check.ok,
          ...(check.ok ? {} : { problem: check.detail }),
        };
      }),
      next: hits.length > q.limit ? (page[page.length - 1]?.index ?? 0) + 1 : null,
    };
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    summary:
      'Inclusion proof (RFC 9162 §2.1.3) of entry `index` in the tree of `treeSize` entries (default: the newest), with the entry and the signed head of that size',
  })
  @ApiQuery({ name: 'index', required: true })
  @ApiQuery({ name: 'treeSize', required: false })
  async inclusion(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(inclusionProofSchema)) q: { index: number; treeSize?: number },
  ) {
    commissionOnly(org);
    const size = await this.sizeOrNewest('treeSize', q.treeSize);
    if (q.index >= size)
      throw badRequest([{ field: 'index', reason: `must be below treeSize (${size})` }]);
    const [record, head, proof] = await Promise.all([
      this.store.entry(q.index),
      this.store.headAt(size),
      this.store.inclusionProof(q.index, size),
    ]);
    if (!record || !head) throw new NotFoundException('entry or head missing from the store');
    return {
      index: q.index,
      treeSize: size,
      entry: record.entry,
      entryJson: entryJson(record.entry),
      leafHash: entryLeafHash(record.entry).toString('hex'),
      proof: proof.map((p) => p.toString('hex')),
      head,
    };
  }

  @Get('proofs/consistency')
  @ApiOperation({
    summary:
      'Consistency proof (RFC 9162 §2.1.4) between the trees of `first` and `second` entries (default: the newest), with both signed heads',
  })
  @ApiQuery({ name: 'first', required: true })
  @ApiQuery({ name: 'second', required: false })
  async consistency(
    @CurrentOrg() org: Organisation,
    @Query(new ZodValidationPipe(consistencyProofSchema)) q: { first: number; second?: number },
  ) {
    commissionOnly(org);
    const second = await this.sizeOrNewest('second', q.second);
    if (q.first > second)
      throw badRequest([{ field: 'first', reason: `must not exceed second (${second})` }]);
    const [firstHead, secondHead, proof] = await Promise.all([
      this.store.headAt(q.first),
      this.store.headAt(second),
      this.store.consistencyProof(q.first, second),
    ]);
    return {
      first: q.first,
      second,
      firstHead,
      secondHead,
      proof: proof.map((p) => p.toString('hex')),
    };
  }

  private async sizeOrNewest(field: string, asked: number | undefined): Promise<number> {
    const { size } = await this.store.state();
    if (size === 0) throw new NotFoundException('the audit log is empty');
    if (asked === undefined) return size;
    if (asked > size)
      throw badRequest([{ field, reason: `the log has ${size} entries; at most ${size}` }]);
    return asked;
  }
}
