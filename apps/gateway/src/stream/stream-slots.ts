/** Why a stream could not have a slot: the gateway is full, or the caller's organisation is. */
export type StreamSlot = 'reserved' | 'gateway-full' | 'organisation-full';

/**
 * The caps on live streams: at most `total` at once on this gateway, and at most `perOrg` of
 * them held by one organisation (all its tokens together), so that no organisation can take
 * every slot. The per-organisation cap never exceeds the total.
 */
export class StreamSlots {
  private reserved = 0;
  /** Open (or opening) streams per organisation; an organisation with none has no entry. */
  private readonly held = new Map<string, number>();
  readonly perOrg: number;

  constructor(
    readonly total: number,
    perOrg: number,
  ) {
    this.perOrg = Math.min(perOrg, total);
  }

  get inUse(): number {
    return this.reserved;
  }

  heldBy(orgId: string): number {
    return this.held.get(orgId) ?? 0;
  }

  /** A full gateway is answered first: it is nobody's doing in particular. */
  reserve(orgId: string): StreamSlot {
    if (this.reserved >= this.total) return 'gateway-full';
    const held = this.heldBy(orgId);
    if (held >= this.perOrg) return 'organisation-full';
    this.reserved += 1;
    this.held.set(orgId, held + 1);
    return 'reserved';
  }

  /** Gives back a slot `reserve` granted to this organisation. */
  release(orgId: string): void {
    const held = this.heldBy(orgId);
    if (held === 0) return;
    this.reserved -= 1;
    if (held > 1) this.held.set(orgId, held - 1);
    else this.held.delete(orgId);
  }
}
