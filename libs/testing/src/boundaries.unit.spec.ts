import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The house's walls are lint rules (eslint.config.mjs). Each case is an import someone might
 * write; the forbidden ones must fail `npm run lint` (and so `npm test` and CI), the allowed
 * ones must not. A rule that stopped resolving imports would let everything through, so the
 * allowed cases alone prove nothing: both sides are asserted.
 */
const ROOT = path.resolve(__dirname, '../../..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Runs the project's own `eslint` on `code` as if it were saved at `file` (nothing is written). */
async function problems(file: string, code: string): Promise<string[]> {
  const run = promisify(execFile)(
    process.execPath,
    [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', file],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  run.child.stdin?.end(code);
  const { stdout } = await run.catch((err: { stdout?: string }) => {
    if (typeof err.stdout === 'string' && err.stdout.startsWith('[')) return { stdout: err.stdout };
    throw err;
  });
  const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'boundaries/element-types' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

jest.setTimeout(120_000);

describe('architecture boundaries', () => {
  it.each([
    [
      'an app imports another app',
      'apps/cli/src/probe.ts',
      "import { IndicatorsController } from '../../gateway/src/indicators/indicators.controller';\nexport const x = IndicatorsController;\n",
      /apps never import apps/,
    ],
    [
      'a domain imports its own read side',
      'libs/indicators/src/domain/probe.ts',
      "import { IndicatorQueries } from '../read/indicator.queries';\nexport const x = IndicatorQueries;\n",
      /a domain imports only domain code/,
    ],
    [
      'a domain imports the persistence lib',
      'libs/reporting/src/domain/probe.ts',
      "import { CheckpointStore } from '@acd/persistence';\nexport const x = CheckpointStore;\n",
      /a domain imports only domain code/,
    ],
    [
      'a domain imports the broker client',
      'libs/advisories/src/domain/probe.ts',
      "import { Kafka } from 'kafkajs';\nexport const x = Kafka;\n",
      /kafkajs/,
    ],
    [
      'an infrastructure lib imports a context',
      'libs/messaging/src/probe.ts',
      "import { advisoryProjection } from '@acd/advisories';\nexport const x = advisoryProjection;\n",
      /imports no context/,
    ],
    [
      'an infrastructure lib imports a domain',
      'libs/persistence/src/probe.ts',
      "import { canRead } from '@acd/identity/domain';\nexport const x = canRead;\n",
      /imports no context/,
    ],
    [
      'a context imports an app',
      'libs/traffic/src/read/probe.ts',
      "import { TrafficService } from '../../../../apps/traffic/src/traffic.service';\nexport const x = TrafficService;\n",
      /a lib never imports an app/,
    ],
  ])('refuses: %s', async (_what, file, code, expected) => {
    const found = await problems(file, code);
    expect(found.join('\n')).toMatch(expected);
  });

  it.each([
    [
      'a domain imports another domain and event-sourcing',
      'libs/reporting/src/domain/probe.ts',
      "import { canRead } from '@acd/identity/domain';\nimport { deterministicId } from '@acd/event-sourcing';\nexport const x = [canRead, deterministicId];\n",
    ],
    [
      'a read side imports its domain and infrastructure',
      'libs/indicators/src/read/probe.ts',
      "import { INDICATOR_TYPES } from '../domain';\nimport { CheckpointStore } from '@acd/persistence';\nexport const x = [INDICATOR_TYPES, CheckpointStore];\n",
    ],
    [
      'an app imports libs and its own files',
      'apps/gateway/src/probe.ts',
      "import { IndicatorQueries } from '@acd/indicators';\nimport { BusIds } from './common/bus-ids';\nexport const x = [IndicatorQueries, BusIds];\n",
    ],
  ])('allows: %s', async (_what, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
