import { loadConfig } from '@acd/config';
import { indicatorSchema } from './indicators.config';

describe('indicator settings', () => {
  it('bounds how broad an indicator may be, /8 and /32 unless set, never a default route', () => {
    expect(loadConfig(indicatorSchema, {})).toEqual({ minPrefixV4: 8, minPrefixV6: 32 });
    expect(
      loadConfig(indicatorSchema, {
        ACD_INDICATOR_MIN_PREFIX_V4: '16',
        ACD_INDICATOR_MIN_PREFIX_V6: '48',
      }),
    ).toEqual({ minPrefixV4: 16, minPrefixV6: 48 });
    for (const [name, value] of [
      ['ACD_INDICATOR_MIN_PREFIX_V4', '0'],
      ['ACD_INDICATOR_MIN_PREFIX_V4', '33'],
      ['ACD_INDICATOR_MIN_PREFIX_V6', '0'],
      ['ACD_INDICATOR_MIN_PREFIX_V6', '129'],
      ['ACD_INDICATOR_MIN_PREFIX_V6', 'wide'],
    ] as const) {
      expect(() => loadConfig(indicatorSchema, { [name]: value })).toThrow(new RegExp(name));
    }
  });
});
