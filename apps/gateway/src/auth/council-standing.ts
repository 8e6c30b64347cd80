import { Injectable } from '@nestjs/common';
import { StaleIfUnavailable, type Organisation, type Reader } from '@acd/identity';
import { CouncilQueries } from '@acd/oversight';
import { isStoreUnavailable } from '@acd/persistence';

/**
 * How long a standing read from the roster is reused. A removal reaches reads within this much
 * of the roster read model having it (decision 0043); an admission or an acknowledgement too.
 */
export const COUNCIL_STANDING_TTL_MS = 2_000;

/** Kinds that read council material without sitting on it (the office), or never sit on it. */
const NOT_RESOLVED: readonly string[] = ['cabinet-office', 'oversight-commission'];

/**
 * Whether an organisation sits on the council bound to confidentiality now, resolved with its
 * token so that every read path (REST, TAXII, the live stream, counts) judges council material
 * from the same `Reader`. Never stale beyond the TTL: when the store is unreachable the lookup
 * fails, and so does the request, rather than answering from an old standing.
 */
@Injectable()
export class CouncilStanding {
  private readonly standing = new StaleIfUnavailable<boolean>(
    COUNCIL_STANDING_TTL_MS,
    COUNCIL_STANDING_TTL_MS,
  );
  private readonly bound = new StaleIfUnavailable<ReadonlySet<string>>(
    COUNCIL_STANDING_TTL_MS,
    COUNCIL_STANDING_TTL_MS,
  );

  constructor(private readonly council: CouncilQueries) {}

  /**
   * Whether the organisation is bound now. While the store is unreachable, not bound: council
   * material is then withheld (a read answers as for anyone off the council), but every other
   * request goes on, and commands are still accepted as the architecture requires.
   */
  async isBound(orgId: string): Promise<boolean> {
    try {
      return await this.standing.get(
        orgId,
        async () => (await this.council.standingOf(orgId)) === 'bound',
      );
    } catch (err) {
      if (isStoreUnavailable(err)) return false;
      throw err;
    }
  }

  /** The organisation as a reader: `councilBound` when it is bound now. */
  async readerOf(org: Organisation): Promise<Reader> {
    if (NOT_RESOLVED.includes(org.kind)) return org;
    return (await this.isBound(org.id)) ? { ...org, councilBound: true } : org;
  }

  /**
   * The organisation as a reader about to share in the council (`audience.council`): a standing
   * found not bound is read again from the roster rather than reused, so a member that has just
   * bound itself is not refused for the 2 s its old standing would otherwise live. The decider
   * refuses anyone still not bound (403).
   */
  async sharerOf(org: Reader, sharesInCouncil: boolean): Promise<Reader> {
    if (!sharesInCouncil || org.councilBound === true || NOT_RESOLVED.includes(org.kind)) {
      return org;
    }
    this.standing.delete(org.id);
    return this.readerOf(org);
  }

  /** The organisations bound now (for "who would read this": the council's share of them). */
  async boundMembers(): Promise<ReadonlySet<string>> {
    return this.bound.get('*', async () => new Set(await this.council.boundMemberIds()));
  }
}
