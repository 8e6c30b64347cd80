import fc from 'fast-check';
import {
  decodePosition,
  encodePosition,
  InvalidPositionError,
  PositionTracker,
  type StreamPosition,
} from './stream-position';

const kind = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/);
const offsets = fc.array(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { maxLength: 64 });
const position: fc.Arbitrary<StreamPosition> = fc.dictionary(kind, offsets, { maxKeys: 5 });

describe('stream position', () => {
  it('round-trips every position through its id, which is base64url and header-safe', () => {
    fc.assert(
      fc.property(position, (p) => {
        const id = encodePosition(p);
        expect(id).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodePosition(id || 'e30')).toEqual(p);
      }),
    );
  });

  it('is compact: six partitions of one kind in under 60 characters', () => {
    const id = encodePosition({ indicator: [12345, 0, 5, 0, 77, 3] });
    expect(id.length).toBeLessThan(60);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an array', Buffer.from('[1,2]').toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
    ['a bad kind', Buffer.from('{"Indicator":[1]}').toString('base64url')],
    ['offsets not an array', Buffer.from('{"indicator":3}').toString('base64url')],
    ['a negative offset', Buffer.from('{"indicator":[-1]}').toString('base64url')],
    ['a fractional offset', Buffer.from('{"indicator":[1.5]}').toString('base64url')],
    ['a string offset', Buffer.from('{"indicator":["1"]}').toString('base64url')],
    ['an unsafe offset', Buffer.from('{"indicator":[9007199254740993]}').toString('base64url')],
    ['too long', 'a'.repeat(5000)],
  ])('refuses %s', (_, text) => {
    expect(() => decodePosition(text)).toThrow(InvalidPositionError);
  });

  it('refuses random text unless it is a valid position', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          const p = decodePosition(s);
          expect(decodePosition(encodePosition(p))).toEqual(p);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidPositionError);
        }
      }),
    );
  });

  it('tracks the next offset per partition, never moving backwards', () => {
    const t = new PositionTracker({ indicator: [3, 0] });
    t.advance('indicator', 1, 10);
    t.advance('indicator', 0, 2);
    t.advance('indicator', 4, 1);
    t.advance('advisory', 0, 7);
    expect(t.snapshot()).toEqual({ indicator: [3, 10, 0, 0, 1], advisory: [7] });
    expect(t.next('indicator', 1)).toBe(10);
    expect(t.next('indicator', 9)).toBeUndefined();
    expect(decodePosition(t.encode())).toEqual(t.snapshot());
  });
});
