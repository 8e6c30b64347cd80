import { existsSync } from 'node:fs';
import path from 'node:path';
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

  it('finds the console in dist/dashboard of the repository, wherever the process starts', () => {
    const cwd = process.cwd();
    try {
      process.chdir(path.parse(cwd).root);
      const dir = loadConfig(gatewaySchema, {}).ACD_DASHBOARD_DIR;
      expect(path.basename(dir)).toBe('dashboard');
      expect(existsSync(path.join(dir, '..', '..', 'package.json'))).toBe(true);
      expect(loadConfig(gatewaySchema, { ACD_DASHBOARD_DIR: 'console' }).ACD_DASHBOARD_DIR).toBe(
        path.join(path.parse(cwd).root, 'console'),
      );
    } finally {
      process.chdir(cwd);
    }
  });
});
