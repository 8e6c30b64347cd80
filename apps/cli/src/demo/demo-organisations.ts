import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEMO_ORGANISATIONS, IdentityAdmin } from '@acd/identity';
import {
  createKafka,
  ensureServiceTopics,
  SchemaSet,
  schemasDir,
  TopicNames,
  withAdmin,
} from '@acd/messaging';
import { kafkaSchema, loadConfig } from '@acd/config';
import { oversightSchema } from '@acd/oversight';
import type { DemoOrgRecord } from './demo-cast';

/** The member every demo organisation's personal `token` names. */
export const DEMO_DUTY_MEMBER = 'duty-officer';

/**
 * Registers the demo organisations and writes their tokens to `file`. Run again, it keeps the
 * organisations and tokens it finds in that file, so a restart does not invalidate them.
 */
export async function registerDemoOrganisations(file: string): Promise<DemoOrgRecord[]> {
  const cfg = loadConfig(kafkaSchema);
  const { ACD_COMMISSION_MEMBERS } = loadConfig(oversightSchema);
  const kafka = createKafka(cfg, 'cli');
  const topics = new TopicNames(cfg.ACD_TOPIC_PREFIX);
  await withAdmin(kafka, (admin) =>
    ensureServiceTopics(admin, topics, 'cli', cfg.ACD_REPLICATION_FACTOR),
  );
  const codec = await SchemaSet.load(schemasDir());
  const admin = new IdentityAdmin(kafka, topics, codec);
  const previous = readDemoOrganisations(file);
  await admin.open();
  const records: DemoOrgRecord[] = [];
  try {
    for (const org of DEMO_ORGANISATIONS) {
      const known = previous.find((r) => r.id === org.id);
      const fresh = !admin.isRegistered(org.id);
      await admin.register(org);
      // A file from before personal tokens holds the organisation's own token as `token`.
      const adminToken =
        known && !fresh ? (known.adminToken ?? known.token) : await admin.issueToken(org.id);
      const token =
        known && !fresh && known.adminToken
          ? known.token
          : (await admin.issueMemberToken(org.id, DEMO_DUTY_MEMBER)).token;
      const members =
        org.kind === 'oversight-commission'
          ? await memberTokens(admin, org.id, ACD_COMMISSION_MEMBERS, fresh ? [] : known?.members)
          : undefined;
      records.push({
        id: org.id,
        name: org.name,
        kind: org.kind,
        ...(org.sector ? { sector: org.sector } : {}),
        token,
        adminToken,
        ...(members ? { members } : {}),
      });
    }
  } finally {
    await admin.close();
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(records, null, 2) + '\n', { mode: 0o600 });
  return records;
}

/** Keeps the member tokens of the previous run; issues one for each member not seen before. */
async function memberTokens(
  admin: IdentityAdmin,
  orgId: string,
  memberIds: readonly string[],
  previous: { id: string; token: string }[] = [],
): Promise<{ id: string; token: string }[]> {
  const out: { id: string; token: string }[] = [];
  for (const id of memberIds) {
    const known = previous.find((m) => m.id === id);
    out.push({
      id,
      token: known ? known.token : (await admin.issueMemberToken(orgId, id)).token,
    });
  }
  return out;
}

/** The tokens file as a previous run wrote it; none if it is missing or unreadable. */
export function readDemoOrganisations(file: string): DemoOrgRecord[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoOrgRecord[];
  } catch {
    return [];
  }
}
