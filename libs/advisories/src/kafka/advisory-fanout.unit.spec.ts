import {
  advisoryAudienceRoutes,
  advisoryAudienceTopics,
  advisoryCopyData,
  type FanoutData,
  type FanoutItem,
} from './advisory-fanout';
import { TopicNames } from '@acd/messaging';

const topics = new TopicNames('t.');
const members: Record<string, string[]> = { sdf: ['gov-sdf'], 'cabinet-office': ['gov-nco'] };
const kinds = async (ks: string[]) => ks.flatMap((k) => members[k] ?? []);
const item = (tlp: string, a: Partial<FanoutItem['audience']>): FanoutItem => ({
  issuerOrgId: 'gov-npa',
  tlp,
  audience: { everyone: false, sectors: [], kinds: [], orgs: [], ...a },
});

/** The issuer reads every advisory of its own, so it gets a copy on its own topic. */
const ISSUER = 't.acd.advisory.org.gov-npa.v1';
/** The cabinet office reads every CLEAR, GREEN and AMBER advisory, so it gets a copy of those. */
const OFFICE = 't.acd.advisory.org.gov-nco.v1';
const ALWAYS = [OFFICE, ISSUER];

describe('advisory audience topics', () => {
  it('everyone under GREEN goes to the public topic', async () => {
    expect(await advisoryAudienceTopics(topics, item('GREEN', { everyone: true }), kinds)).toEqual([
      ...ALWAYS,
      't.acd.advisory.public.v1',
    ]);
  });

  it('sectors, members of kinds and named organisations each get their topic', async () => {
    const a = item('AMBER', { sectors: ['gas', 'electricity'], kinds: ['sdf'], orgs: ['op-a'] });
    expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual([
      ...ALWAYS,
      't.acd.advisory.org.gov-sdf.v1',
      't.acd.advisory.org.op-a.v1',
      't.acd.advisory.sector.electricity.v1',
      't.acd.advisory.sector.gas.v1',
    ]);
  });

  it.each(['AMBER+STRICT', 'RED'])(
    'Given %s, When it fans out, Then only the issuer and the named organisations get a copy (the office only when named)',
    async (tlp) => {
      const a = item(tlp, { everyone: true, sectors: ['gas'], kinds: ['sdf'], orgs: ['op-a'] });
      expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual([
        ISSUER,
        't.acd.advisory.org.op-a.v1',
      ]);
      const toOffice = item(tlp, { kinds: ['cabinet-office'], orgs: ['op-a', 'gov-nco'] });
      expect(await advisoryAudienceTopics(topics, toOffice, kinds)).toEqual([
        OFFICE,
        ISSUER,
        't.acd.advisory.org.op-a.v1',
      ]);
    },
  );

  it('AMBER never goes to the public topic', async () => {
    const a = item('AMBER', { everyone: true, orgs: ['op-a'] });
    expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual([
      ...ALWAYS,
      't.acd.advisory.org.op-a.v1',
    ]);
  });
});

describe('advisory audience routes', () => {
  it('an organisation topic carries its owner; sector and public topics carry nobody in particular', async () => {
    const a = item('GREEN', { everyone: true, sectors: ['gas'], kinds: ['sdf'], orgs: ['op-a'] });
    expect(await advisoryAudienceRoutes(topics, a, kinds)).toEqual([
      { topic: 't.acd.advisory.org.gov-nco.v1', orgId: 'gov-nco' },
      { topic: 't.acd.advisory.org.gov-npa.v1', orgId: 'gov-npa' },
      { topic: 't.acd.advisory.org.gov-sdf.v1', orgId: 'gov-sdf' },
      { topic: 't.acd.advisory.org.op-a.v1', orgId: 'op-a' },
      { topic: 't.acd.advisory.public.v1', orgId: null },
      { topic: 't.acd.advisory.sector.gas.v1', orgId: null },
    ]);
  });
});

describe('what a copy on an audience topic carries', () => {
  const issued = (a: Partial<FanoutItem['audience']>): FanoutData => ({
    advisoryId: 'adv-1',
    issuerOrgId: 'gov-npa',
    issuerKind: 'police',
    title: 'VPN appliances',
    tlp: 'AMBER',
    audience: { everyone: false, sectors: [], kinds: [], orgs: [], council: false, ...a },
    indicatorIds: ['ind-1', 'ind-2'],
    incidentIds: ['inc-1'],
    expiresAt: 0,
  });
  const withdrawn = (a: Partial<FanoutItem['audience']>): FanoutData => ({
    advisoryId: 'adv-1',
    issuerOrgId: 'gov-npa',
    reason: 'superseded',
    tlp: 'AMBER',
    audience: { everyone: false, sectors: [], kinds: [], orgs: [], council: false, ...a },
    withdrawnAt: 0,
  });
  const named = { sectors: ['gas'], kinds: ['sdf'], orgs: ['op-a', 'op-b', 'op-c'] };

  it("an organisation's own topic shows it among the named organisations, and no one else", () => {
    const copy = advisoryCopyData(issued(named), { id: 'op-b', kind: 'operator' });
    expect(copy.audience).toEqual({
      everyone: false,
      sectors: ['gas'],
      kinds: ['sdf'],
      orgs: ['op-b'],
      council: false,
    });
    // A member of a named kind, not named itself, sees no named organisation.
    expect(advisoryCopyData(issued(named), { id: 'gov-sdf', kind: 'sdf' }).audience.orgs).toEqual(
      [],
    );
    // An organisation the directory does not know is an ordinary reader.
    expect(advisoryCopyData(issued(named), { id: 'op-c' }).audience.orgs).toEqual(['op-c']);
  });

  it('the issuer and the cabinet office see the whole audience on their own topics', () => {
    expect(advisoryCopyData(issued(named), { id: 'gov-npa', kind: 'police' }).audience).toEqual(
      issued(named).audience,
    );
    expect(
      advisoryCopyData(issued(named), { id: 'gov-nco', kind: 'cabinet-office' }).audience,
    ).toEqual(issued(named).audience);
  });

  it("council material is copied to no topic on the council's account, and says it is the council's", async () => {
    const shared = item('GREEN', { council: true, orgs: ['op-a'] });
    // The issuer and the named organisation get their copies; no topic stands for the council.
    expect(await advisoryAudienceTopics(topics, shared, kinds)).toEqual([
      ...ALWAYS,
      't.acd.advisory.org.op-a.v1',
    ]);
    expect(advisoryCopyData(issued({ council: true }), { id: 'op-a' }).audience.council).toBe(true);
  });

  it('a sector or the public topic, read by many alike, names no organisation', () => {
    expect(advisoryCopyData(issued(named), null).audience).toEqual({
      everyone: false,
      sectors: ['gas'],
      kinds: ['sdf'],
      orgs: [],
      council: false,
    });
  });

  it('no copy carries related indicators or incidents; everything else is the event', () => {
    for (const reader of [
      null,
      { id: 'op-a' },
      { id: 'gov-nco', kind: 'cabinet-office' as const },
    ]) {
      const copy = advisoryCopyData(issued(named), reader);
      expect(copy).toMatchObject({ indicatorIds: [], incidentIds: [] });
      const { audience: _a, indicatorIds: _i, incidentIds: _n, ...rest } = copy;
      const { audience: _b, indicatorIds: _j, incidentIds: _m, ...original } = issued(named);
      expect(rest).toEqual(original);
    }
  });

  it('a withdrawal is cut the same way and gains no field it does not have', () => {
    const copy = advisoryCopyData(withdrawn(named), { id: 'op-a', kind: 'operator' });
    expect(copy).toEqual({
      ...withdrawn(named),
      audience: { ...withdrawn(named).audience, orgs: ['op-a'] },
    });
    expect('indicatorIds' in copy).toBe(false);
  });
});
