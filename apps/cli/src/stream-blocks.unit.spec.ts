import { advisoryLine, blockId, SseBlocks } from './stream-blocks';

describe('advisories tail: reading the event stream', () => {
  it('cuts a stream into whole blocks whatever the chunking', () => {
    const stream =
      ': acd stream\nretry: 3000\nid: p0\n\nid: p1\nevent: advisory\ndata: {"a":1}\n\n: heartbeat\nid: p2\n\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const blocks = new SseBlocks();
      const got: string[] = [];
      for (let i = 0; i < stream.length; i += size)
        got.push(...blocks.push(stream.slice(i, i + size)));
      expect(got.map(blockId)).toEqual(['p0', 'p1', 'p2']);
    }
  });

  it('reads the id of a block, the last one winning, and none when absent', () => {
    expect(blockId('id: a\nid:b')).toBe('b');
    expect(blockId(': comment')).toBeUndefined();
    expect(blockId('id')).toBe('');
  });

  it('prints an advisory as one line', () => {
    expect(
      advisoryLine({
        kind: 'advisory',
        id: 'adv-1',
        type: 'AdvisoryIssued',
        version: 1,
        occurredAt: '2026-11-22T00:00:00.000Z',
        data: { title: 'Patch now', severity: 'high', tlp: 'GREEN' },
      }),
    ).toBe('2026-11-22T00:00:00.000Z AdvisoryIssued adv-1 v1 [high] TLP:GREEN: Patch now');
  });
});
