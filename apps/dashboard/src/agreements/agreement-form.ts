import { METADATA_CATEGORIES } from '../domain/vocabulary';
import { jstInputToIso } from '../format/jst';
import {
  isInstant,
  orgIdProblem,
  splitList,
  textProblem,
  type FieldProblem,
} from '../forms/field-checks';

/**
 * Agreements with operators (当事者協定): the office's proposal form, turned into the body of
 * `POST /v1/oversight/agreements` and checked as libs/oversight `agreementSchema` and the
 * agreement decider check it (a unit test holds the console and the schema to the same verdicts),
 * and which of accept, decline and end each party may press.
 */

export const AGREEMENT_STATUSES = ['proposed', 'accepted', 'declined', 'ended'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** As the agreement decider: at most 100 networks, a period of at most three years. */
export const MAX_AGREEMENT_NETWORKS = 100;
export const MAX_AGREEMENT_PERIOD_MS = 3 * 366 * 86_400_000;

export interface AgreementFormValues {
  operatorId: string;
  /** CIDRs, one per line (or separated by commas or spaces). */
  networks: string;
  categories: string[];
  /** `datetime-local` values, read as JST. */
  validFrom: string;
  validUntil: string;
  purpose: string;
}

export const emptyAgreementForm = (): AgreementFormValues => ({
  operatorId: '',
  networks: '',
  categories: [],
  validFrom: '',
  validUntil: '',
  purpose: '',
});

export interface AgreementBody {
  operatorId: string;
  networks: string[];
  categories: string[];
  validFrom: string;
  validUntil: string;
  purpose: string;
}

export function agreementBody(v: AgreementFormValues): AgreementBody {
  return {
    operatorId: v.operatorId.trim(),
    networks: splitList(v.networks),
    categories: METADATA_CATEGORIES.filter((c) => v.categories.includes(c)),
    validFrom: jstInputToIso(v.validFrom) ?? v.validFrom,
    validUntil: jstInputToIso(v.validUntil) ?? v.validUntil,
    purpose: v.purpose,
  };
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(withZone: string): boolean {
  // A scoped address (fe80::1%eth0) is an address to the API's check too.
  const address = withZone.replace(/%[0-9A-Za-z._~-]+$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  try {
    // The URL parser holds the full IPv6 grammar (compressed groups, an embedded IPv4 tail).
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}

/** A network such as 203.0.113.0/24 or 2001:db8::/32, as the API's CIDR check reads it. */
export function isNetwork(value: string): boolean {
  const parts = value.trim().split('/');
  if (parts.length !== 2) return false;
  const [address = '', bits = ''] = parts;
  const family = IPV4.test(address) ? 4 : isIpv6(address) ? 6 : 0;
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** `now`: a period that has already ended is refused, as the decider refuses it. */
export function checkAgreement(body: AgreementBody, now: number = Date.now()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, code: FieldProblem['code'] | null) => {
    if (code) problems.push({ field, code });
  };
  add('operatorId', orgIdProblem(body.operatorId));
  if (body.networks.length === 0) add('networks', 'required');
  else if (body.networks.length > MAX_AGREEMENT_NETWORKS) add('networks', 'tooMany');
  body.networks.forEach((n, i) => add(`networks.${i}`, isNetwork(n) ? null : 'network'));
  if (body.categories.length === 0) add('categories', 'required');
  const from = isInstant(body.validFrom);
  const until = isInstant(body.validUntil);
  add('validFrom', from ? null : body.validFrom === '' ? 'required' : 'notInstant');
  add('validUntil', until ? null : body.validUntil === '' ? 'required' : 'notInstant');
  if (from && until) {
    const span = Date.parse(body.validUntil) - Date.parse(body.validFrom);
    add(
      'validUntil',
      span <= 0
        ? 'periodOrder'
        : Date.parse(body.validUntil) <= now
          ? 'inPast'
          : span > MAX_AGREEMENT_PERIOD_MS
            ? 'periodTooLong'
            : null,
    );
  }
  add('purpose', textProblem(body.purpose, 10_000));
  return problems;
}

export interface Agreement {
  agreementId: string;
  operatorId: string;
  operatorKind: string;
  proposedBy: string;
  networks: string[];
  categories: string[];
  validFrom: string | null;
  validUntil: string | null;
  purpose: string;
  status: AgreementStatus;
  proposedAt: string | null;
  consent: { by: string; statement: string; at: string | null } | null;
  declined: { reason: string; at: string | null } | null;
  ended: { byOrgId: string; reason: string; at: string | null } | null;
  version: number;
}

export type AgreementAction = 'accept' | 'decline' | 'end';

/**
 * What the viewer may do to an agreement: the operator party accepts or declines a proposal and
 * ends an accepted agreement; the office withdraws a proposal or ends an agreement; the commission
 * and everyone else only read.
 */
export function agreementActions(
  a: Pick<Agreement, 'operatorId' | 'status'>,
  viewer: { id: string; kind: string },
): AgreementAction[] {
  if (a.status === 'declined' || a.status === 'ended') return [];
  if (viewer.kind === 'cabinet-office') return ['end'];
  if (viewer.id !== a.operatorId) return [];
  return a.status === 'proposed' ? ['accept', 'decline'] : ['end'];
}

/** The agreement's status with the date it took it: proposed, accepted, declined or ended. */
export function agreementStatusDate(a: Agreement): { status: AgreementStatus; at: string | null } {
  switch (a.status) {
    case 'proposed':
      return { status: a.status, at: a.proposedAt };
    case 'accepted':
      return { status: a.status, at: a.consent?.at ?? null };
    case 'declined':
      return { status: a.status, at: a.declined?.at ?? null };
    case 'ended':
      return { status: a.status, at: a.ended?.at ?? null };
  }
}

/** In force: accepted and now inside its period. */
export function agreementInForce(a: Agreement, now: number): boolean {
  if (a.status !== 'accepted' || !a.validFrom || !a.validUntil) return false;
  return Date.parse(a.validFrom) <= now && now < Date.parse(a.validUntil);
}
