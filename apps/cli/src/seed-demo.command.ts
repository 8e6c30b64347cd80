import { writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DEMO_ORGANISATIONS, IdentityAdmin } from '@acd/identity';
import {
  createKafka,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
  ensureTopics,
} from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import { oversightSchema } from '@acd/oversight';

interface DemoOrgRecord {
  id: string;
  name: string;
  kind: string;
  sector?: string;
  token: string;
  /** For the oversight commission: one token per member, each naming its member. */
  members?: { id: string; token: string }[];
}

/**
 * Registers the demo organisations and writes their tokens to a file. Run again, it keeps the
 * organisations and tokens it finds in that file, so a restart does not invalidate them.
 */
@Command({
  name: 'seed-demo',
  description: 'register the demo organisations and write their tokens to a JSON file',
})
export class SeedDemoCommand extends CommandRunner {
  async run(_: string[], opts: { out: string }): Promise<void> {
    const cfg = loadConfig(kafkaSchema);
    const { ACD_COMMISSION_MEMBERS } = loadConfig(oversightSchema);
    const kafka = createKafka(cfg, 'cli');
    const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
    await withAdmin(kafka, (admin) => ensureTopics(admin, topics, cfg.ACD_REPLICATION_FACTOR));
    const codec = await SchemaSet.load(schemasDir());
    const admin = new IdentityAdmin(kafka, topics, codec);
    const previous = readPrevious(opts.out);
    await admin.open();
    const records: DemoOrgRecord[] = [];
    try {
      for (const org of DEMO_ORGANISATIONS) {
        const known = previous.get(org.id);
        const fresh = !admin.isRegistered(org.id);
        await admin.register(org);
        const token = known && !fresh ? known.token : await admin.issueToken(org.id);
        const members =
          org.kind === 'oversight-commission'
            ? await this.memberTokens(
                admin,
                org.id,
                ACD_COMMISSION_MEMBERS,
                fresh ? [] : known?.members,
              )
            : undefined;
        records.push({
          id: org.id,
          name: org.name,
          kind: org.kind,
          ...(org.sector ? { sector: org.sector } : {}),
          token,
          ...(members ? { members } : {}),
        });
      }
    } finally {
      await admin.close();
    }
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(records, null, 2) + '\n', { mode: 0o600 });
    console.log(`${records.length} demo organisations; tokens in ${opts.out}`);
  }

  /** Keeps the member tokens of the previous run; issues one for each member not seen before. */
  private async memberTokens(
    admin: IdentityAdmin,
    orgId: string,
    memberIds: readonly string[],
    previous: { id: string; token: string }[] = [],
  ): Promise<{ id: string; token: string }[]> {
    const out: { id: string; token: string }[] = [];
    for (const id of memberIds) {
      const known = previous.find((m) => m.id === id);
      out.push({ id, token: known ? known.token : await admin.issueToken(orgId, id) });
    }
    return out;
  }

  @Option({
    flags: '-o, --out <file>',
    description: 'where to write the tokens',
    defaultValue: '.local/demo-orgs.json',
  })
  parseOut(value: string): string {
    return value;
  }
}

function readPrevious(file: string): Map<string, DemoOrgRecord> {
  if (!existsSync(file)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as DemoOrgRecord[];
    return new Map(parsed.map((r) => [r.id, r]));
  } catch {
    return new Map();
  }
}
