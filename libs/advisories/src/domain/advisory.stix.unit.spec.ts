import { TLP_MARKING_IDS } from '@acd/identity/domain';
import { indicatorStixId } from '@acd/indicators/domain';
import { advisoryToStix, type AdvisoryStixView } from './advisory.stix';

const view = (over: Partial<AdvisoryStixView> = {}): AdvisoryStixView => ({
  advisoryId: '5d1c7a2e-1111-4c2b-9d8e-0a1b2c3d4e5f',
  title: 'Ransomware campaign against grid operators',
  summary: 'Block the listed C2 addresses.',
  severity: 'high',
  tlp: 'AMBER',
  indicatorIds: ['0b6c3c55-4a7c-4f8e-9f1e-5b8c1a2d3e4f'],
  recommendedActions: ['Block 203.0.113.10 at the perimeter', 'Rotate VPN credentials'],
  status: 'active',
  issuedAt: new Date('2026-12-01T00:00:00.000Z'),
  updatedAt: new Date('2026-12-01T00:00:00.000Z'),
  ...over,
});

describe('advisories as STIX 2.1', () => {
  it('is a report referring to its indicators and its courses of action', () => {
    const { report, actions, author } = advisoryToStix(view(), 'National Cybersecurity Office');
    expect(actions).toHaveLength(2);
    expect(actions[1]).toMatchObject({
      type: 'course-of-action',
      description: 'Rotate VPN credentials',
      object_marking_refs: [TLP_MARKING_IDS.AMBER],
    });
    expect(report).toMatchObject({
      type: 'report',
      name: 'Ransomware campaign against grid operators',
      description: 'Block the listed C2 addresses.',
      published: '2026-12-01T00:00:00.000Z',
      created_by_ref: author.id,
      object_refs: [indicatorStixId(view().indicatorIds[0]!), actions[0]!.id, actions[1]!.id],
      object_marking_refs: [TLP_MARKING_IDS.AMBER],
    });
  });

  it('refers only to the indicators it is given (the reader’s cut), and never to none', () => {
    const bare = advisoryToStix(view({ indicatorIds: [], recommendedActions: [] }), 'NCO');
    expect(bare.report.object_refs).toEqual([bare.author.id]);
  });

  it('is deterministic, and a withdrawal revokes the report and its actions under the same ids', () => {
    const a = advisoryToStix(view(), 'NCO');
    expect(advisoryToStix(view(), 'NCO')).toEqual(a);
    const w = advisoryToStix(
      view({ status: 'withdrawn', updatedAt: new Date('2026-12-02T00:00:00.000Z') }),
      'NCO',
    );
    expect(w.report.id).toBe(a.report.id);
    expect(w.report.revoked).toBe(true);
    expect(w.actions.map((x) => [x.id, x.revoked])).toEqual(a.actions.map((x) => [x.id, true]));
  });
});
