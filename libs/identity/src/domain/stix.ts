import { uuidV5 } from '@acd/event-sourcing';
import type { Tlp } from './tlp';

/**
 * STIX 2.1 building blocks every context's mapping shares: deterministic ids, timestamps, the
 * official TLP 2.0 marking definitions, and the identity that names an author as a reader may see
 * it. Pure: what goes in is what the reader may read; nothing here looks anything up.
 */

/** The bus's namespace for STIX ids (UUIDv5): one aggregate, one id, on every export. */
export const STIX_NAMESPACE = '1872a2ad-744b-4827-8eb6-d4dd50c71b47';

export const STIX_SPEC_VERSION = '2.1' as const;

/** `type--uuid`, the same for the same type and name on every call and every machine. */
export function stixId(type: string, name: string): string {
  return `${type}--${uuidV5(STIX_NAMESPACE, `${type}:${name}`)}`;
}

/** STIX timestamps are UTC with a `Z`; milliseconds kept, so versions of one object order. */
export function stixTimestamp(at: Date): string {
  return at.toISOString();
}

/** The TLP 2.0 extension of STIX 2.1 (OASIS cti-stix-common-objects). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The official TLP 2.0 marking definitions' fixed ids: every STIX tool recognises them. */
export const TLP_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** What every STIX domain object of ours carries besides its type and content. */
export interface StixCommonProperties {
  spec_version: '2.1';
  id: string;
  created: string;
  modified: string;
  created_by_ref: string;
  /** The object was withdrawn or revoked: its last version. */
  revoked?: true;
  object_marking_refs: string[];
}

export interface StixMarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: Record<string, { extension_type: 'property-extension'; tlp_2_0: string }>;
}

/** The marking definition object itself, for bundles that carry their markings. */
export function tlpMarkingDefinition(tlp: Tlp): StixMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: STIX_SPEC_VERSION,
    id: TLP_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() },
    },
  };
}

export interface StixIdentity {
  type: 'identity';
  spec_version: '2.1';
  id: string;
  created: string;
  modified: string;
  name: string;
  identity_class: 'organization';
}

/**
 * An author as the reader may see it: `shownName` is what REST shows that reader (the
 * organisation's name, or its pseudonym). The id is derived from that shown name alone, so a
 * pseudonymous publisher's identity cannot be linked to its real one by its id.
 */
export function authorIdentity(shownName: string): StixIdentity {
  return {
    type: 'identity',
    spec_version: STIX_SPEC_VERSION,
    id: stixId('identity', shownName),
    // Fixed (the day the Act was enacted): the object holds nothing that changes, so every export
    // of it is the same version.
    created: '2025-05-16T00:00:00.000Z',
    modified: '2025-05-16T00:00:00.000Z',
    name: shownName,
    identity_class: 'organization',
  };
}
