import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'nest-commander';
import { DEMO_ORGANISATIONS } from '@acd/identity';
import { AcdCommand } from '../api-command';
import { UsageError } from '../exit-codes';
import { readOrganisations } from '../organisations-file';
import { render, RENDER_TARGETS, type RenderTarget } from './render';

interface DeployRenderOptions {
  target?: RenderTarget;
  out?: string;
  orgs?: string;
}

/**
 * `acd deploy render --target k8s`: writes the deployment's Kafka resources from the code's own
 * registry (see render.ts). Each file is written whole or not at all (a temporary file renamed).
 */
@Command({
  name: 'deploy',
  arguments: '<action>',
  description:
    "render deployment manifests from the code's topic registry and access plans: `acd deploy render --target k8s`",
})
export class DeployCommand extends AcdCommand {
  async run([action]: string[], opts: DeployRenderOptions): Promise<void> {
    if (action !== 'render') throw new UsageError(`unknown action '${action}': render`);
    const target = opts.target ?? 'k8s';
    const out = opts.out ?? path.join('deploy', target, 'base');
    const orgs = opts.orgs
      ? readOrganisations(opts.orgs)
      : DEMO_ORGANISATIONS.map((o) => ({ id: o.id, ...(o.sector ? { sector: o.sector } : {}) }));
    for (const file of render(target, orgs)) {
      const full = path.join(out, file.path);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(`${full}.tmp`, file.content);
      renameSync(`${full}.tmp`, full);
      console.log(`wrote ${full}`);
    }
  }

  @Option({
    flags: '--target <target>',
    description: `what to render: ${RENDER_TARGETS.join(', ')}`,
    defaultValue: 'k8s',
  })
  parseTarget(value: string): RenderTarget {
    if (!(RENDER_TARGETS as readonly string[]).includes(value)) {
      throw new UsageError(`--target: one of ${RENDER_TARGETS.join(', ')}, not '${value}'`);
    }
    return value as RenderTarget;
  }

  @Option({ flags: '-o, --out <dir>', description: 'output folder (default deploy/<target>/base)' })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '--orgs <file>',
    description:
      'the registered organisations, a JSON array of {id, sector?} (default: the demo organisations)',
  })
  parseOrgs(value: string): string {
    return value;
  }
}
