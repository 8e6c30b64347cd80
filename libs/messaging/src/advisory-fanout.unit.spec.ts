import { advisoryAudienceTopics, type FanoutItem } from './advisory-fanout';
import { TopicNames } from './topics';

const topics = new TopicNames('t.');
const kinds = async (ks: string[]) => ks.flatMap((k) => (k === 'sdf' ? ['gov-sdf'] : []));
const item = (tlp: string, a: Partial<FanoutItem['audience']>): FanoutItem => ({
  tlp,
  audience: { everyone: false, sectors: [], kinds: [], orgs: [], ...a },
});

describe('advisory audience topics', () => {
  it('everyone under GREEN goes to the public topic', async () => {
    expect(await advisoryAudienceTopics(topics, item('GREEN', { everyone: true }), kinds)).toEqual([
      't.acd.advisory.public.v1',
    ]);
  });

  it('sectors, members of kinds and named organisations each get their topic', async () => {
    const a = item('AMBER', { sectors: ['gas', 'electricity'], kinds: ['sdf'], orgs: ['op-a'] });
    expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual([
      't.acd.advisory.org.gov-sdf.v1',
      't.acd.advisory.org.op-a.v1',
      't.acd.advisory.sector.electricity.v1',
      't.acd.advisory.sector.gas.v1',
    ]);
  });

  it.each(['AMBER+STRICT', 'RED'])(
    '%s reaches named organisations only, whatever else the audience says',
    async (tlp) => {
      const a = item(tlp, { everyone: true, sectors: ['gas'], kinds: ['sdf'], orgs: ['op-a'] });
      expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual([
        't.acd.advisory.org.op-a.v1',
      ]);
    },
  );

  it('AMBER never goes to the public topic', async () => {
    const a = item('AMBER', { everyone: true, orgs: ['op-a'] });
    expect(await advisoryAudienceTopics(topics, a, kinds)).toEqual(['t.acd.advisory.org.op-a.v1']);
  });
});
