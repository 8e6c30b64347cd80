import type { IndicatorPublished, IndicatorType } from '@acd/indicators/domain';
import { IndicatorIndex, type FlowMatch } from './indicator-index';

describe('IndicatorIndex', () => {
  const T = 0;
  const published = (
    id: string,
    indicatorType: IndicatorType,
    value: string,
    tlp = 'GREEN',
  ): IndicatorPublished => ({
    type: 'IndicatorPublished',
    data: {
      indicatorId: id,
      publisherOrgId: 'op-a',
      publisherSector: null,
      indicatorType,
      value,
      tlp,
      audience: { orgs: [], sectors: [] },
      confidence: 80,
      validFrom: T,
      validUntil: null,
      description: null,
      cves: [],
      killChainPhases: [],
      disclosePublisher: false,
      publishedAt: T,
    },
  });
  const flow = (src: string, dst: string, domain: string | null = null) => ({
    srcAddress: src,
    dstAddress: dst,
    domain,
  });
  const summary = (ms: FlowMatch[]) =>
    ms.map((m) => `${m.indicatorId}:${m.matchedOn}:${m.endpoint}:${m.tlp}`);

  it('matches addresses, CIDRs of both families and domains with their parents', () => {
    const index = new IndicatorIndex();
    index.apply(published('i-addr', 'ipv4', '198.51.100.7'), 1);
    index.apply(published('i-net', 'cidr', '198.51.100.0/24', 'AMBER'), 1);
    index.apply(published('i-net6', 'cidr', '2001:db8::/32'), 1);
    index.apply(published('i-dom', 'domain', 'evil.example'), 1);
    index.apply(published('i-hash', 'sha256', 'a'.repeat(64)), 1);
    expect(summary(index.match(flow('198.51.100.7', '8.8.8.8')))).toEqual([
      'i-addr:address:source:GREEN',
      'i-net:cidr:source:AMBER',
    ]);
    expect(summary(index.match(flow('8.8.8.8', '198.51.100.200', 'a.b.EVIL.example')))).toEqual([
      'i-net:cidr:destination:AMBER',
    ]);
    expect(summary(index.match(flow('198.51.100.1', '198.51.100.2', 'a.b.evil.example')))).toEqual([
      'i-dom:domain:null:GREEN',
      'i-net:cidr:both:AMBER',
    ]);
    expect(summary(index.match(flow('2001:db8::5', '2001:200::1', 'notevil.example')))).toEqual([
      'i-net6:cidr:source:GREEN',
    ]);
    expect(index.size).toBe(4);
  });

  it('never indexes an indicator too broad to publish, even one already in the log', () => {
    const index = new IndicatorIndex();
    index.apply(published('i-all4', 'cidr', '0.0.0.0/0'), 1);
    index.apply(published('i-all6', 'cidr', '::/0'), 1);
    index.apply(published('i-wide', 'cidr', '10.0.0.0/7'), 1);
    index.apply(published('i-psl', 'domain', 'co.jp'), 1);
    index.apply(published('i-ok', 'cidr', '10.0.0.0/8'), 1);
    expect(index.size).toBe(1);
    expect(summary(index.match(flow('10.1.2.3', '2001:db8::1', 'www.example.co.jp')))).toEqual([
      'i-ok:cidr:source:GREEN',
    ]);
    expect(index.match(flow('203.0.113.1', '2001:db8::1', 'shop.co.jp'))).toEqual([]);
    // Under stricter bounds, the /8 is too broad as well.
    const strict = new IndicatorIndex({ minPrefixV4: 16, minPrefixV6: 48 });
    strict.apply(published('i-ok', 'cidr', '10.0.0.0/8'), 1);
    expect(strict.size).toBe(0);
  });

  it('follows updates and revocations, and ignores replayed versions', () => {
    const index = new IndicatorIndex();
    const pub = published('i-1', 'ipv4', '203.0.113.9');
    expect(index.apply(pub, 1)).toBe(true);
    expect(
      index.apply(
        {
          type: 'IndicatorUpdated',
          data: { ...pub.data, tlp: 'RED', changedFields: ['tlp'], updatedAt: T },
        },
        2,
      ),
    ).toBe(true);
    expect(summary(index.match(flow('203.0.113.9', '8.8.8.8')))).toEqual([
      'i-1:address:source:RED',
    ]);
    index.apply(
      {
        type: 'IndicatorRevoked',
        data: { indicatorId: 'i-1', reason: 'fp', revokedByOrgId: 'op-a', revokedAt: T },
      },
      3,
    );
    expect(index.match(flow('203.0.113.9', '8.8.8.8'))).toEqual([]);
    // Reading the log again from the start must not bring it back.
    expect(index.apply(pub, 1)).toBe(false);
    expect(index.match(flow('203.0.113.9', '8.8.8.8'))).toEqual([]);
  });
});
