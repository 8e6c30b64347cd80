import { ConfigError, gatewaySchema, indicatorSchema, kafkaSchema, loadConfig } from './config';

describe('configuration', () => {
  it('splits a broker list and applies defaults', () => {
    const cfg = loadConfig(kafkaSchema, { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' });
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(cfg.ACD_TOPIC_PREFIX).toBe('');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig(kafkaSchema, { KAFKA_BROKERS: 'no-port' })).toThrow(ConfigError);
    expect(() => loadConfig(kafkaSchema, { KAFKA_BROKERS: 'no-port' })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig(gatewaySchema, { PORT: '70000' })).toThrow(/PORT/);
  });

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

  it('caps streams per organisation as well as per gateway', () => {
    const cfg = loadConfig(gatewaySchema, {});
    expect(cfg.ACD_STREAM_MAX_CLIENTS).toBe(50);
    expect(cfg.ACD_STREAM_MAX_CLIENTS_PER_ORG).toBe(5);
    expect(loadConfig(gatewaySchema, { ACD_STREAM_MAX_CLIENTS_PER_ORG: '2' })).toMatchObject({
      ACD_STREAM_MAX_CLIENTS_PER_ORG: 2,
    });
    expect(() => loadConfig(gatewaySchema, { ACD_STREAM_MAX_CLIENTS_PER_ORG: '0' })).toThrow(
      /ACD_STREAM_MAX_CLIENTS_PER_ORG/,
    );
  });
});
