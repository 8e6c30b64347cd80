import { SchemaSet, schemasDir, TOPICS } from '@acd/messaging';
import { ADVISORY_COMMAND_TYPES, type AdvisoryCommand } from '../domain/advisory.commands';
import {
  ADVISORY_EVENT_TYPES,
  type AdvisoryContent,
  type AdvisoryEvent,
} from '../domain/advisory.events';

/** One sample `data` per type; the mapped types make the compiler check every shape. */
type DataOf<U extends { type: string; data: unknown }> = {
  [K in U['type']]: Extract<U, { type: K }>['data'];
};

const NAMESPACE = 'jp.acd.advisory';
const T0 = Date.UTC(2026, 3, 1, 9, 30);
const DAY = 86_400_000;

const content: AdvisoryContent = {
  title: 'Exploitation of edge VPN appliances',
  summary: 'A state-linked actor exploits a VPN appliance flaw against grid operators.',
  severity: 'critical',
  tlp: 'AMBER',
  audience: {
    everyone: false,
    sectors: ['electricity', 'gas'],
    kinds: ['ministry'],
    orgs: [],
    council: true,
  },
  indicatorIds: ['ind-1', 'ind-2'],
  incidentIds: ['inc-1'],
  recommendedActions: ['Patch to 7.2.4', 'Rotate VPN credentials'],
  expiresAt: T0 + 30 * DAY,
};
const openContent: AdvisoryContent = {
  ...content,
  severity: 'low',
  tlp: 'CLEAR',
  audience: { everyone: true, sectors: [], kinds: [], orgs: [], council: false },
  indicatorIds: [],
  incidentIds: [],
  recommendedActions: [],
};

const events: DataOf<AdvisoryEvent>[] = [
  {
    AdvisoryIssued: {
      advisoryId: 'adv-1',
      issuerOrgId: 'gov-nco',
      issuerKind: 'cabinet-office',
      ...content,
      audience: { ...content.audience },
      indicatorIds: [...content.indicatorIds],
      incidentIds: [...content.incidentIds],
      recommendedActions: [...content.recommendedActions],
      issuedAt: T0,
    },
    AdvisoryUpdated: {
      advisoryId: 'adv-1',
      issuerOrgId: 'gov-nco',
      ...content,
      audience: { everyone: false, sectors: [], kinds: [], orgs: ['op-a', 'op-b'], council: false },
      tlp: 'RED',
      indicatorIds: [],
      incidentIds: [],
      recommendedActions: ['Isolate the appliance'],
      changedFields: ['tlp', 'audience'],
      updatedAt: T0 + DAY,
    },
    AdvisoryWithdrawn: {
      advisoryId: 'adv-1',
      issuerOrgId: 'gov-nco',
      reason: 'superseded by adv-2',
      tlp: 'AMBER',
      audience: {
        everyone: false,
        sectors: ['electricity'],
        kinds: [],
        orgs: ['op-a'],
        council: false,
      },
      withdrawnAt: T0 + 2 * DAY,
    },
    AdvisoryAcknowledged: {
      advisoryId: 'adv-1',
      orgId: 'op-a',
      orgKind: 'operator',
      orgSector: 'electricity',
      acknowledgedAt: T0 + DAY,
    },
  },
  {
    AdvisoryIssued: {
      advisoryId: 'adv-2',
      issuerOrgId: 'gov-npa',
      issuerKind: 'police',
      ...openContent,
      audience: { ...openContent.audience },
      indicatorIds: [],
      incidentIds: [],
      recommendedActions: [],
      issuedAt: T0,
    },
    AdvisoryUpdated: {
      advisoryId: 'adv-2',
      issuerOrgId: 'gov-npa',
      ...openContent,
      audience: { ...openContent.audience },
      indicatorIds: [],
      incidentIds: [],
      recommendedActions: [],
      changedFields: [],
      updatedAt: T0,
    },
    AdvisoryWithdrawn: {
      advisoryId: 'adv-2',
      issuerOrgId: 'gov-npa',
      reason: '',
      tlp: 'CLEAR',
      audience: { everyone: true, sectors: [], kinds: [], orgs: [], council: false },
      withdrawnAt: T0,
    },
    AdvisoryAcknowledged: {
      advisoryId: 'adv-2',
      orgId: 'gov-sdf',
      orgKind: 'sdf',
      orgSector: null,
      acknowledgedAt: T0,
    },
  },
];

const nothingChanged = {
  title: null,
  summary: null,
  severity: null,
  tlp: null,
  audience: null,
  indicatorIds: null,
  incidentIds: null,
  recommendedActions: null,
  expiresAt: null,
};

const commands: DataOf<AdvisoryCommand>[] = [
  {
    IssueAdvisory: {
      advisoryId: 'adv-1',
      ...content,
      audience: { ...content.audience },
      indicatorIds: [...content.indicatorIds],
      incidentIds: [...content.incidentIds],
      recommendedActions: [...content.recommendedActions],
    },
    UpdateAdvisory: {
      advisoryId: 'adv-1',
      title: 'New title',
      summary: 'New summary',
      severity: 'high',
      tlp: 'GREEN',
      audience: { everyone: true, sectors: [], kinds: [], orgs: [], council: false },
      indicatorIds: ['ind-3'],
      incidentIds: [],
      recommendedActions: ['Patch'],
      expiresAt: T0 + 60 * DAY,
    },
    WithdrawAdvisory: { advisoryId: 'adv-1', reason: 'false positive' },
    AcknowledgeAdvisory: { advisoryId: 'adv-1' },
  },
  // The other branch of every nullable field.
  {
    IssueAdvisory: {
      advisoryId: 'adv-2',
      ...openContent,
      audience: { ...openContent.audience },
      indicatorIds: [],
      incidentIds: [],
      recommendedActions: [],
    },
    UpdateAdvisory: { advisoryId: 'adv-2', ...nothingChanged },
    WithdrawAdvisory: { advisoryId: 'adv-2', reason: '' },
    AcknowledgeAdvisory: { advisoryId: 'adv-2' },
  },
];

const cases = (samples: Record<string, unknown>[]): [string, unknown][] =>
  samples.flatMap((byType) => Object.entries(byType));

describe('the jp.acd.advisory schemas', () => {
  const set = SchemaSet.load(schemasDir());

  it('define one record for every advisory event and command type', () => {
    const names = set.names().filter((n) => n.startsWith(`${NAMESPACE}.`));
    expect(names).toEqual(
      [...ADVISORY_EVENT_TYPES, ...ADVISORY_COMMAND_TYPES].map((t) => `${NAMESPACE}.${t}`).sort(),
    );
  });

  it('are exactly what the topic registry lists for the advisory topics', () => {
    expect([...TOPICS.advisoryEvents.values]).toEqual(
      ADVISORY_EVENT_TYPES.map((t) => `${NAMESPACE}.${t}`),
    );
    expect([...TOPICS.advisoryCommands.values]).toEqual(
      ADVISORY_COMMAND_TYPES.map((t) => `${NAMESPACE}.${t}`),
    );
  });

  it.each([...cases(events), ...cases(commands)])('round-trips %s data unchanged', (type, data) => {
    const decoded = set.decode(set.encode(`${NAMESPACE}.${type}`, data));
    expect(decoded.fullName).toBe(`${NAMESPACE}.${type}`);
    expect(decoded.value).toEqual(data);
  });
});
