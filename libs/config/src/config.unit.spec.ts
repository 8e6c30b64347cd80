import { ConfigError, gatewaySchema, kafkaSchema, loadConfig } from './config';

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
