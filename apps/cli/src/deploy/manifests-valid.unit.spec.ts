import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const KAFKA = path.join(ROOT, 'deploy', 'k8s', 'base', 'kafka');

/** scripts/validate-manifests.mjs on these files: its exit code and output. */
function validate(files: string[]): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts/validate-manifests.mjs'), ...files],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('deploy/k8s manifests against the Strimzi CRD schemas (offline)', () => {
  it('every committed Kafka resource is valid', () => {
    const files = readdirSync(KAFKA)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(KAFKA, f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = validate(files);
    expect(r.out).toMatch(/\d+ documents checked, 0 failed/);
    expect(r.status).toBe(0);
  });

  it('an invalid topic, user or unknown kind fails, naming what is wrong', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'acd-manifests-'));
    try {
      const bad = path.join(dir, 'bad.yaml');
      writeFileSync(
        bad,
        [
          'apiVersion: kafka.strimzi.io/v1beta2',
          'kind: KafkaTopic',
          'metadata: { name: t, labels: { strimzi.io/cluster: acd } }',
          'spec: { partitions: 0, replicas: 3 }',
          '---',
          'apiVersion: kafka.strimzi.io/v1beta2',
          'kind: KafkaUser',
          'metadata: { name: u }',
          'spec:',
          '  authentication: { type: scram-sha-512 }',
          '  authorization:',
          '    type: simple',
          '    acls: [{ resource: { type: bogus, name: x }, operations: [Read] }]',
          '---',
          'apiVersion: example.com/v1',
          'kind: Unknown',
          'metadata: { name: x }',
          '',
        ].join('\n'),
      );
      const r = validate([bad]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/FAIL .*KafkaTopic t: .*partitions/);
      expect(r.out).toMatch(/FAIL .*KafkaUser u: .*type/);
      expect(r.out).toMatch(/FAIL .*Unknown x: no schema/);
      expect(r.out).toMatch(/3 documents checked, 3 failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
