import { BlockList, isIP } from 'node:net';
import type { OperationTarget, TargetType } from './oversight.events';

const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COUNTRY = /^[A-Z]{2}$/;

interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function parseCidr(value: string): Cidr | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const v = isIP(address);
  if (v === 0 || !/^\d{1,3}$/.test(bits)) return null;
  const prefix = Number(bits);
  if (prefix > (v === 4 ? 32 : 128)) return null;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** Why a target is malformed (with the field), or null. Values arrive normalised from the edge. */
export function targetProblem(t: OperationTarget): { field: string; reason: string } | null {
  if (!COUNTRY.test(t.country)) {
    return { field: 'target.country', reason: 'must be an ISO 3166-1 alpha-2 code such as JP' };
  }
  const ok: Record<TargetType, (v: string) => boolean> = {
    ip: (v) => isIP(v) !== 0,
    cidr: (v) => parseCidr(v) !== null,
    domain: (v) => DOMAIN.test(v),
  };
  const check = ok[t.type];
  if (!check) return { field: 'target.type', reason: 'must be ip, cidr or domain' };
  if (!check(t.value)) return { field: 'target.value', reason: `not a valid ${t.type}` };
  return null;
}

function subnetOf(c: Cidr): BlockList {
  const list = new BlockList();
  list.addSubnet(c.address, c.prefix, c.family);
  return list;
}

/**
 * Whether acting on `acted` stays within the approved target: the same address; an address or a
 * narrower network inside an approved network; the domain or one of its subdomains.
 */
export function targetCovers(approved: OperationTarget, acted: string): boolean {
  const value = acted.trim().toLowerCase().replace(/\.$/, '');
  switch (approved.type) {
    case 'ip': {
      const family = isIP(value);
      if (family === 0 || family !== isIP(approved.value)) return false;
      const list = new BlockList();
      list.addAddress(approved.value, family === 4 ? 'ipv4' : 'ipv6');
      return list.check(value, family === 4 ? 'ipv4' : 'ipv6');
    }
    case 'cidr': {
      const network = parseCidr(approved.value);
      if (!network) return false;
      const list = subnetOf(network);
      const family = isIP(value);
      if (family !== 0) {
        return (
          (family === 4 ? 'ipv4' : 'ipv6') === network.family && list.check(value, network.family)
        );
      }
      const inner = parseCidr(value);
      return (
        inner !== null &&
        inner.family === network.family &&
        inner.prefix >= network.prefix &&
        list.check(inner.address, network.family)
      );
    }
    case 'domain':
      return value === approved.value || value.endsWith(`.${approved.value}`);
    default:
      return false;
  }
}

/** Whether `value` is a network such as 203.0.113.0/24 or 2001:db8::/32. */
export const isCidr = (value: string): boolean => parseCidr(value) !== null;

/** Whether an address lies inside a network (CIDR) of the same family. */
export const networkCovers = (network: string, address: string): boolean =>
  isIP(address) !== 0 && targetCovers({ type: 'cidr', value: network, country: 'JP' }, address);
