import { TOPICS, TopicNames } from './topics';

const DAY = 86_400_000;

describe('the topic registry', () => {
  const all = new TopicNames('p.').all();
  const byName = new Map(all.map((t) => [t.name, t.spec]));

  it('Given a topic kept less than 30 days, When its dead-letter twin is created, Then the twin keeps no longer than the topic', () => {
    expect(byName.get('p.acd.traffic.flows.v1.dlq')?.retentionMs).toBe(7 * DAY);
    expect(byName.get('p.acd.bus.replies.v1.dlq')).toBeUndefined();
    for (const { name, spec } of all.filter((t) => t.name.endsWith('.dlq'))) {
      const main = byName.get(name.slice(0, -'.dlq'.length));
      expect(main).toBeDefined();
      const limit = main!.retentionMs > 0 ? Math.min(30 * DAY, main!.retentionMs) : 30 * DAY;
      expect({ name, retentionMs: spec.retentionMs }).toEqual({ name, retentionMs: limit });
    }
  });

  it('keeps the records of deletions of traffic data for good, in one partition', () => {
    expect(TOPICS.trafficRetention).toMatchObject({
      name: 'acd.traffic.retention.v1',
      partitions: 1,
      retentionMs: -1,
      values: ['jp.acd.traffic.TrafficDataDeleted'],
    });
  });
});
