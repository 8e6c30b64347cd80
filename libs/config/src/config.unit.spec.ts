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
});
