import { deciderSpec } from '@acd/event-sourcing/testing';
import { createIndicatorDecider, indicatorDecider } from './indicator.decider';
import type { PublishIndicator } from './indicator.commands';
import type { IndicatorPublished } from './indicator.events';
import { indicatorIdFor } from './indicator-id';

const NOW = new Date('2026-11-22T00:00:00Z');
const publisher = { orgId: 'op-kanto-electric', kind: 'operator', sector: 'electricity' };
const spec = deciderSpec(indicatorDecider, { issuedBy: publisher, now: NOW });
const id = indicatorIdFor('k'.repeat(32), 'op-kanto-electric', 'ipv4', '203.0.113.7');

const publish = (over: Partial<PublishIndicator['data']> = {}): PublishIndicator => ({
  type: 'PublishIndicator',
  data: {
    indicatorId: id,
    indicatorType: 'ipv4',
    value: '203.0.113.7',
    tlp: 'GREEN',
    audience: { orgs: [], sectors: [] },
    confidence: 80,
    validFrom: null,
    validUntil: null,
    description: 'C2 server',
    cves: [],
    killChainPhases: [],
    disclosePublisher: false,
    ...over,
  },
});

const published: IndicatorPublished = {
  type: 'IndicatorPublished',
  data: {
    indicatorId: id,
    publisherOrgId: 'op-kanto-electric',
    publisherSector: 'electricity',
    indicatorType: 'ipv4',
    value: '203.0.113.7',
    tlp: 'GREEN',
    audience: { orgs: [], sectors: [] },
    confidence: 80,
    validFrom: NOW.getTime(),
    validUntil: null,
    description: 'C2 server',
    cves: [],
    killChainPhases: [],
    disclosePublisher: false,
    publishedAt: NOW.getTime(),
  },
};

const revoked = {
  type: 'IndicatorRevoked' as const,
  data: {
    indicatorId: id,
    reason: 'false positive',
    revokedByOrgId: 'op-kanto-electric',
    revokedAt: NOW.getTime(),
  },
};

describe('indicator decider', () => {
  describe('PublishIndicator', () => {
    it('given nothing, publishing yields IndicatorPublished with the publisher and now', () => {
      spec.given([]).when(publish()).then([published]);
    });

    it('given a published indicator, the same terms again change nothing', () => {
      spec.given([published]).when(publish()).thenNothing();
    });

    it('given a published indicator, new terms yield IndicatorUpdated naming what changed', () => {
      spec
        .given([published])
        .when(
          publish({
            confidence: 90,
            tlp: 'AMBER',
            audience: { orgs: [], sectors: ['railways', 'gas', 'gas'] },
          }),
        )
        .then([
          {
            type: 'IndicatorUpdated',
            data: {
              indicatorId: id,
              tlp: 'AMBER',
              audience: { orgs: [], sectors: ['gas', 'railways'] },
              confidence: 90,
              validFrom: NOW.getTime(),
              validUntil: null,
              description: 'C2 server',
              cves: [],
              killChainPhases: [],
              disclosePublisher: false,
              changedFields: ['tlp', 'audience', 'confidence'],
              updatedAt: NOW.getTime(),
            },
          },
        ]);
    });

    it('given a revoked indicator, publishing it again is a conflict', () => {
      spec.given([published, revoked]).when(publish()).thenRefused({ code: 'conflict' });
    });

    it('refuses AMBER without an audience', () => {
      spec
        .given([])
        .when(publish({ tlp: 'AMBER' }))
        .thenRefused({ code: 'invalid', field: 'audience' });
    });

    it('refuses RED and AMBER+STRICT addressed to sectors', () => {
      for (const tlp of ['RED', 'AMBER+STRICT']) {
        spec
          .given([])
          .when(publish({ tlp, audience: { orgs: ['op-tokai-rail'], sectors: ['railways'] } }))
          .thenRefused({ code: 'invalid', field: 'audience.sectors' });
        spec
          .given([])
          .when(publish({ tlp }))
          .thenRefused({ code: 'invalid', field: 'audience.orgs' });
      }
    });

    it('refuses a value that is not of its type', () => {
      spec
        .given([])
        .when(publish({ value: '300.1.1.1' }))
        .thenRefused({ code: 'invalid', field: 'value' });
    });

    it('refuses an indicator that matches everything: a default route, a range too broad, a public suffix', () => {
      const as = (indicatorType: 'cidr' | 'domain', value: string) =>
        publish({
          indicatorType,
          value,
          indicatorId: indicatorIdFor('k'.repeat(32), 'op-kanto-electric', indicatorType, value),
        });
      for (const [type, value] of [
        ['cidr', '0.0.0.0/0'],
        ['cidr', '::/0'],
        ['cidr', '10.0.0.0/7'],
        ['cidr', '2001:db8::/31'],
        ['domain', 'co.jp'],
      ] as const) {
        spec.given([]).when(as(type, value)).thenRefused({ code: 'invalid', field: 'value' });
      }
      // The bounds are the deployment's: a stricter one refuses what the default allows.
      const strict = deciderSpec(createIndicatorDecider({ minPrefixV4: 16, minPrefixV6: 48 }), {
        issuedBy: publisher,
        now: NOW,
      });
      spec
        .given([])
        .when(as('cidr', '10.0.0.0/8'))
        .then([expect.anything()] as never);
      strict.given([]).when(as('cidr', '10.0.0.0/8')).thenRefused({ field: 'value' });
      strict.given([]).when(as('cidr', '2001:db8::/32')).thenRefused({ field: 'value' });
    });

    it('refuses an id already naming another publisher, type or value', () => {
      spec
        .given([published])
        .when(publish(), {
          issuedBy: { orgId: 'op-tokai-rail', kind: 'operator', sector: 'railways' },
        })
        .thenRefused({ code: 'invalid', field: 'indicatorId' });
      spec
        .given([published])
        .when(publish({ value: '203.0.113.8' }))
        .thenRefused({ code: 'invalid', field: 'indicatorId' });
      spec
        .given([published])
        .when(publish({ indicatorType: 'domain', value: 'c2.example.org' }))
        .thenRefused({ code: 'invalid', field: 'indicatorId' });
    });

    it('refuses confidence out of range, validity backwards and malformed CVE ids', () => {
      spec
        .given([])
        .when(publish({ confidence: 101 }))
        .thenRefused({ field: 'confidence' });
      spec
        .given([])
        .when(publish({ validFrom: NOW.getTime(), validUntil: NOW.getTime() }))
        .thenRefused({ field: 'validUntil' });
      spec
        .given([])
        .when(publish({ cves: ['CVE-24-1'] }))
        .thenRefused({ field: 'cves' });
    });
  });

  const sight = (observedAt: number, count = 1) => ({
    type: 'RecordSighting' as const,
    data: { indicatorId: id, observedAt, count, note: null },
  });

  describe('RevokeIndicator', () => {
    const revoke = {
      type: 'RevokeIndicator' as const,
      data: { indicatorId: id, reason: 'false positive' },
    };

    it('given a published indicator, its publisher revokes it', () => {
      spec.given([published]).when(revoke).then([revoked]);
    });

    it('refuses anyone but the publisher', () => {
      spec
        .given([published])
        .when(revoke, { issuedBy: { orgId: 'nco', kind: 'cabinet-office', sector: null } })
        .thenRefused({ code: 'forbidden' });
    });

    it('answers a caller who may not read the indicator exactly as for one that does not exist', () => {
      const amber: IndicatorPublished = {
        ...published,
        data: { ...published.data, tlp: 'AMBER', audience: { orgs: [], sectors: ['electricity'] } },
      };
      const stranger = { orgId: 'op-tokai-rail', kind: 'operator', sector: 'railways' };
      spec
        .given([])
        .when(revoke, { issuedBy: stranger })
        .thenRefused({ code: 'not-found', reason: 'no such indicator' });
      spec
        .given([amber])
        .when(revoke, { issuedBy: stranger })
        .thenRefused({ code: 'not-found', reason: 'no such indicator' });
      spec
        .given([amber])
        .when(sight(NOW.getTime()), { issuedBy: stranger })
        .thenRefused({ code: 'not-found', reason: 'no such indicator' });
      // A reader who is not the publisher learns only that it may not revoke.
      spec
        .given([amber])
        .when(revoke, { issuedBy: { orgId: 'op-chubu', kind: 'operator', sector: 'electricity' } })
        .thenRefused({ code: 'forbidden' });
    });

    it('refuses unknown, already revoked, and reasonless revocations', () => {
      spec.given([]).when(revoke).thenRefused({ code: 'not-found' });
      spec.given([published, revoked]).when(revoke).thenRefused({ code: 'conflict' });
      spec
        .given([published])
        .when({ ...revoke, data: { ...revoke.data, reason: '  ' } })
        .thenRefused({ code: 'invalid', field: 'reason' });
    });
  });

  describe('RecordSighting', () => {
    const railway = { orgId: 'op-tokai-rail', kind: 'operator', sector: 'railways' };

    it('given a published indicator, any reader may report a sighting', () => {
      spec
        .given([published])
        .when(sight(NOW.getTime() - 1000, 3), { issuedBy: railway })
        .then([
          {
            type: 'IndicatorSighted',
            data: {
              indicatorId: id,
              sightedByOrgId: 'op-tokai-rail',
              observedAt: NOW.getTime() - 1000,
              count: 3,
              note: null,
              recordedAt: NOW.getTime(),
            },
          },
        ]);
    });

    it('accepts a sighting exactly at the clock-skew limit and refuses one beyond it', () => {
      const limit = NOW.getTime() + 5 * 60_000;
      spec
        .given([published])
        .when(sight(limit))
        .then([expect.objectContaining({ type: 'IndicatorSighted' })]);
      spec
        .given([published])
        .when(sight(limit + 1))
        .thenRefused({ code: 'invalid', field: 'observedAt' });
    });

    it('refuses sightings of revoked or unknown indicators and silly counts', () => {
      spec.given([published, revoked]).when(sight(NOW.getTime())).thenRefused({ code: 'conflict' });
      spec.given([]).when(sight(NOW.getTime())).thenRefused({ code: 'not-found' });
      spec.given([published]).when(sight(NOW.getTime(), 0)).thenRefused({ field: 'count' });
    });
  });
});

describe('sharing in the council (Act art. 45)', () => {
  const bound = { ...publisher, councilBound: true };
  const toCouncil = (tlp: string, orgs: string[] = []) =>
    publish({ tlp, audience: { orgs, sectors: [], council: true } });
  const inCouncil = {
    ...published,
    data: { ...published.data, audience: { orgs: [], sectors: [], council: true } },
  };

  it('Given a member bound to confidentiality, When it shares under CLEAR, GREEN or AMBER, Then the indicator is marked as the council’s', () => {
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER']) {
      spec
        .given([])
        .when(toCouncil(tlp), { issuedBy: bound })
        .then([
          {
            ...published,
            data: { ...published.data, tlp, audience: { orgs: [], sectors: [], council: true } },
          },
        ]);
    }
  });

  it('the office, which convenes the council, shares in it without sitting on it', () => {
    const office = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
    spec
      .given([])
      .when(toCouncil('GREEN'), { issuedBy: office })
      .then([expect.objectContaining({ type: 'IndicatorPublished' })]);
  });

  it('Given an organisation not bound (an outsider, or a member that has not acknowledged), Then it may not share in the council: 403 on audience.council', () => {
    spec
      .given([])
      .when(toCouncil('GREEN'))
      .thenRefused({ code: 'forbidden', field: 'audience.council' });
    spec
      .given([])
      .when(toCouncil('GREEN'), { issuedBy: { ...publisher, councilBound: false } })
      .thenRefused({ code: 'forbidden', field: 'audience.council' });
  });

  it('never under AMBER+STRICT or RED, which are for named organisations only', () => {
    for (const tlp of ['AMBER+STRICT', 'RED']) {
      spec
        .given([])
        .when(toCouncil(tlp, ['gov-npa']), { issuedBy: bound })
        .thenRefused({ code: 'invalid', field: 'audience.council' });
    }
  });

  it('the council alone is an explicit audience for AMBER', () => {
    spec
      .given([])
      .when(toCouncil('AMBER'), { issuedBy: bound })
      .then([expect.objectContaining({ type: 'IndicatorPublished' })]);
  });

  it('a member removed since may still narrow what it shared there, and taking the council out is a change of audience', () => {
    // Republishing the same terms changes nothing.
    spec.given([inCouncil]).when(toCouncil('GREEN')).then([]);
    spec
      .given([inCouncil])
      .when(publish())
      .then([
        expect.objectContaining({
          type: 'IndicatorUpdated',
          data: expect.objectContaining({ changedFields: ['audience'] }),
        }),
      ]);
  });

  it('an indicator recorded before the council existed (no council flag) republished as it was is unchanged', () => {
    spec
      .given([published])
      .when(publish({ audience: { orgs: [], sectors: [], council: false } }))
      .then([]);
  });
});

describe('re-identifying a pseudonymous publisher', () => {
  const office = { orgId: 'gov-nco', kind: 'cabinet-office', sector: null };
  const ask = (reason = 'Coordinating the takedown with the submitter') => ({
    type: 'ReidentifyPublisher' as const,
    data: { indicatorId: id, pseudonym: 'anon-1234567890', reason },
  });

  it('the office learns who stands behind the pseudonym, and the act is an event with its reason', () => {
    spec
      .given([published])
      .when(ask(), { issuedBy: office })
      .then([
        {
          type: 'PublisherReidentified',
          data: {
            indicatorId: id,
            pseudonym: 'anon-1234567890',
            publisherOrgId: 'op-kanto-electric',
            reidentifiedByOrgId: 'gov-nco',
            reason: 'Coordinating the takedown with the submitter',
            reidentifiedAt: NOW.getTime(),
          },
        },
      ]);
  });

  it('is refused to anyone else, without a reason, for an unknown or a named publisher', () => {
    const police = { orgId: 'gov-npa', kind: 'police', sector: null };
    spec.given([published]).when(ask(), { issuedBy: police }).thenRefused({ code: 'forbidden' });
    spec.given([published]).when(ask(), { issuedBy: publisher }).thenRefused({ code: 'forbidden' });
    spec
      .given([published])
      .when(ask('because'), { issuedBy: office })
      .thenRefused({ field: 'reason' });
    spec.given([]).when(ask(), { issuedBy: office }).thenRefused({ code: 'not-found' });
    const named = { ...published, data: { ...published.data, disclosePublisher: true } };
    spec.given([named]).when(ask(), { issuedBy: office }).thenRefused({ code: 'conflict' });
  });

  it('Given a TLP:RED indicator named to others, When the office asks, Then it is refused as if the indicator did not exist', () => {
    const red = (orgs: string[]) => ({
      ...published,
      data: { ...published.data, tlp: 'RED', audience: { orgs, sectors: [] } },
    });
    spec
      .given([red(['op-kansai-gas'])])
      .when(ask(), { issuedBy: office })
      .thenRefused({ code: 'not-found' });
    spec
      .given([red(['op-kansai-gas', 'gov-nco'])])
      .when(ask(), { issuedBy: office })
      .then([expect.objectContaining({ type: 'PublisherReidentified' }) as never]);
  });

  it('consent to be named is a term the publisher can change', () => {
    spec
      .given([published])
      .when(publish({ disclosePublisher: true }))
      .then([
        expect.objectContaining({
          type: 'IndicatorUpdated',
          data: expect.objectContaining({
            disclosePublisher: true,
            changedFields: ['disclosePublisher'],
          }),
        }) as never,
      ]);
  });
});
