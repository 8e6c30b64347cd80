import { bodyHasContent, handlerTakesBody } from './no-body';
import { stableJson } from './request-digest';

describe('routes that take no body', () => {
  it('know a body that carries anything from no body', () => {
    for (const empty of [undefined, null, '', {}, []]) expect(bodyHasContent(empty)).toBe(false);
    for (const some of [{ a: 1 }, [1], 'x', 0, { ['__proto__']: 1 }])
      expect(bodyHasContent(JSON.parse(JSON.stringify(some)) as unknown)).toBe(some !== 0 || true);
    expect(bodyHasContent(JSON.parse('{"__proto__":{"polluted":1}}') as unknown)).toBe(true);
  });

  it('read whether a handler takes a body from its parameter decorators', () => {
    expect(handlerTakesBody({ '3:1': {}, '0:2': {} })).toBe(true);
    expect(handlerTakesBody({ '12:0': {} })).toBe(true);
    expect(handlerTakesBody({ '0:0': {}, '5:1': {}, '13:2': {} })).toBe(false);
    expect(handlerTakesBody(undefined)).toBe(false);
  });
});

describe('the request digest', () => {
  it('digests a body nested 100,000 levels deep without overflowing', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)) as unknown;
    expect(stableJson(deep)).toHaveLength(100_000 * 6 + 1);
    const arrays = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(stableJson(arrays)).toHaveLength(200_000);
  });

  it('sorts members and keeps every value as JSON writes it', () => {
    expect(stableJson({ b: [1, 'x', null, true, { d: 1, c: 2 }], a: undefined, e: NaN })).toBe(
      '{"a":null,"b":[1,"x",null,true,{"c":2,"d":1}],"e":"NaN"}',
    );
    expect(stableJson([])).toBe('[]');
    expect(stableJson({})).toBe('{}');
  });
});
