import fc from 'fast-check';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { MAX_RETRY_MS, SseBlocks, blockId, retryDelay } from './sse-blocks';

const stream =
  ': acd stream\nretry: 3000\nid: p0\n\n' +
  'id: p1\nevent: indicator\ndata: {"kind":"indicator","id":"a"}\n\n' +
  ': heartbeat\nid: p2\n\n' +
  'id: p3\nevent: advisory\ndata: {"kind":"advisory","id":"b"}\n\n' +
  ': heartbeat\n\n';

function read(chunks: string[]) {
  const blocks = new SseBlocks();
  const events: EventSourceMessage[] = [];
  const positions: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  for (const c of chunks)
    for (const b of blocks.push(c)) {
      parser.feed(`${b}\n\n`);
      const id = blockId(b);
      if (id !== undefined) positions.push(id);
    }
  return { events, positions };
}

describe('reading the live stream in blocks', () => {
  it('sees every event and every position, id-only blocks included', () => {
    const { events, positions } = read([stream]);
    expect(events.map((e) => [e.id, e.event, JSON.parse(e.data).id])).toEqual([
      ['p1', 'indicator', 'a'],
      ['p3', 'advisory', 'b'],
    ]);
    expect(positions).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('gives the same result however the bytes arrive', () => {
    const whole = read([stream]);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 12 }), (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => stream.slice(from, at[i] ?? stream.length));
        expect(read(chunks)).toEqual(whole);
      }),
    );
  });

  it('never moves past an unfinished block', () => {
    const blocks = new SseBlocks();
    expect(blocks.push('id: p1\nevent: indicator\ndata: {"x"')).toEqual([]);
    expect(blocks.push(':1}\n\nid: p2')).toEqual(['id: p1\nevent: indicator\ndata: {"x":1}']);
  });

  it('reads ids as EventSource does', () => {
    expect(blockId('id: abc')).toBe('abc');
    expect(blockId('id:abc\r\nid: def')).toBe('def');
    expect(blockId('id: a\0b')).toBeUndefined();
    expect(blockId(': comment')).toBeUndefined();
    expect(blockId('id')).toBe('');
  });
});

describe('reconnecting', () => {
  it("waits as long as the server's Retry-After says", () => {
    expect(retryDelay(0, '5', 0, 0)).toBe(5000);
    expect(retryDelay(3, '5', 0, 0)).toBe(5000);
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(retryDelay(0, 'Tue, 01 Dec 2026 00:00:10 GMT', now, 0)).toBe(10_000);
  });

  it('backs off exponentially without one, up to a cap, with a bounded jitter', () => {
    expect([0, 1, 2, 3].map((a) => retryDelay(a, null, 0, 0))).toEqual([1000, 2000, 4000, 8000]);
    fc.assert(
      fc.property(
        fc.nat({ max: 60 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, jitter) => {
          const d = retryDelay(attempt, null, 0, jitter);
          expect(d).toBeGreaterThanOrEqual(1000);
          expect(d).toBeLessThanOrEqual(MAX_RETRY_MS * 1.2);
          expect(d).toBeGreaterThanOrEqual(retryDelay(Math.max(0, attempt - 1), null, 0, 0));
        },
      ),
    );
  });
});
