import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, gatewaySchema, kafkaSasl, kafkaSchema, loadConfig } from './config';

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

  it('logs in to Kafka with SASL only when a user is named, with its password from the env or a file', () => {
    expect(kafkaSasl(loadConfig(kafkaSchema, {}))).toBeUndefined();
    expect(
      kafkaSasl(
        loadConfig(kafkaSchema, {
          KAFKA_SASL_USERNAME: 'acd.gateway',
          KAFKA_SASL_PASSWORD: 'pw-1',
        }),
      ),
    ).toEqual({ mechanism: 'scram-sha-512', username: 'acd.gateway', password: 'pw-1' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'acd-cfg-')), 'pw');
    writeFileSync(file, 'from-file\n', { mode: 0o600 });
    expect(
      kafkaSasl(
        loadConfig(kafkaSchema, {
          KAFKA_SASL_USERNAME: 'acd.cli',
          KAFKA_SASL_PASSWORD: 'ignored',
          KAFKA_SASL_PASSWORD_FILE: file,
          KAFKA_SASL_MECHANISM: 'scram-sha-256',
        }),
      ),
    ).toEqual({ mechanism: 'scram-sha-256', username: 'acd.cli', password: 'from-file' });
    // half a configuration stops start-up, naming the variable and never the password
    expect(() => kafkaSasl(loadConfig(kafkaSchema, { KAFKA_SASL_USERNAME: 'acd.x' }))).toThrow(
      /KAFKA_SASL_PASSWORD/,
    );
    expect(() => kafkaSasl(loadConfig(kafkaSchema, { KAFKA_SASL_PASSWORD: 'secret-1' }))).toThrow(
      /KAFKA_SASL_USERNAME/,
    );
    try {
      kafkaSasl(loadConfig(kafkaSchema, { KAFKA_SASL_PASSWORD: 'secret-1' }));
    } catch (err) {
      expect(String(err)).not.toContain('secret-1');
    }
    expect(() =>
      kafkaSasl(
        loadConfig(kafkaSchema, {
          KAFKA_SASL_USERNAME: 'u',
          KAFKA_SASL_PASSWORD_FILE: '/nonexistent/pw',
        }),
      ),
    ).toThrow(/KAFKA_SASL_PASSWORD_FILE/);
  });
});
