import type { KillChainPhase } from '../domain/indicator.events';

/** The current state of one indicator as dashboards and APIs read it. */
export interface IndicatorDoc {
  _id: string;
  version: number;
  indicatorType: string;
  value: string;
  publisherOrgId: string;
  publisherSector: string | null;
  tlp: string;
  audience: { orgs: string[]; sectors: string[]; council?: boolean };
  confidence: number;
  validFrom: Date;
  validUntil: Date | null;
  description: string | null;
  cves: string[];
  killChainPhases: KillChainPhase[];
  /** The publisher consented to be named to every reader. */
  disclosePublisher: boolean;
  status: 'active' | 'revoked';
  revokedAt: Date | null;
  revocationReason: string | null;
  sightingCount: number;
  lastSightedAt: Date | null;
  publishedAt: Date;
  updatedAt: Date;
  /** Derived by the entitlement policy; lets list queries filter in the database. */
  [entitlementField: `ent${string}`]: unknown;
}
