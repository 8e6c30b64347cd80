import fc from 'fast-check';
import { canonicalJson, toJsonValue, type JsonValue } from './canonical-json';

describe('RFC 8785 canonical JSON', () => {
  it('sorts members by UTF-16 code units and writes numbers as ECMAScript does (RFC 8785 §3.2.3 example)', () => {
    // RFC 8785 §3.2.3: the sorting example, member names in UTF-16 code-unit order.
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ numbers: [333333333.3333333, 1e30, 4.5, 0.002, 1e-27, -0] })).toBe(
      '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0]}',
    );
  });

  it('is independent of member order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const value = v as JsonValue;
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text) as JsonValue)).toBe(text);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse()) as JsonValue;
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
    );
  });

  it('refuses what is not I-JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson('\ud800')).toThrow(/surrogate/);
  });

  it('turns decoded Avro values into JSON', () => {
    expect(
      toJsonValue({ b: Buffer.from([1, 2]), d: new Date(0), n: 10n, u: undefined, a: [null] }),
    ).toEqual({ b: 'AQI=', d: '1970-01-01T00:00:00.000Z', n: '10', a: [null] });
  });
});
