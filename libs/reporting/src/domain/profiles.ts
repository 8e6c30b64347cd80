import { SECTORS } from '@acd/identity/domain';
import { addDuration, parseDuration, type Duration } from './duration';
import type { Deadline, Millis, ReportStage } from './reporting.events';

/** What starts an obligation's clock. */
export type ClockStart = 'awareness' | 'notification-filed' | 'ransom-payment';

export interface Obligation {
  /** Short name, unique within the profile: the deadline id is `<profile>/<obligation>`. */
  name: string;
  /** The report stage that fulfils it. */
  stage: ReportStage;
  from: ClockStart;
  within: Duration;
  /** The ISO 8601 text of `within`, as configured. */
  withinText: string;
}

export interface ReportingProfile {
  id: string;
  title: string;
  /** Sectors whose operators the profile applies to. */
  sectors: readonly string[];
  obligations: readonly Obligation[];
}

export interface ReportingPolicy {
  profiles: readonly ReportingProfile[];
  /**
   * ISO 8601: how long a designated operator has, from its designation, to notify its specified
   * important computers. The Act leaves the period to its implementing rules; the default (six
   * months) is an assumption.
   */
  designationAssetNotifyWithin: string;
}

/** The default period for a designated operator's asset notification: an assumption. */
export const DEFAULT_DESIGNATION_ASSET_NOTIFY_WITHIN = 'P6M';

export const PROFILE_IDS = ['jp-acd', 'nis2', 'circia'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

/** The Act's own regime: the only one whose missed deadlines lead to Japanese cases and orders. */
export const JAPANESE_REGIME = 'jp-acd' satisfies ProfileId;

/**
 * Whether a missed deadline of this regime opens a Japanese compliance case. NIS2 and CIRCIA
 * deadlines are shown for operators who also fall under them, and their misses are recorded,
 * but enforcing them is for the EU's and the US's authorities, not the cabinet cyber office.
 */
export const leadsToJapaneseCase = (regime: string): boolean => regime === JAPANESE_REGIME;

/** `<regime>/<obligation>` → regime. */
export const regimeOfDeadline = (deadlineId: string): string => deadlineId.split('/')[0] ?? '';

/** Settings of the profiles; the numbers of NIS2 and CIRCIA are fixed by those laws. */
export interface ProfileSettings {
  jpEarlyWarning: string;
  jpNotification: string;
  jpFinal: string;
  jpSectors: readonly string[];
  nis2Sectors: readonly string[];
  circiaSectors: readonly string[];
  designationAssetNotifyWithin: string;
}

/**
 * Defaults. The Act leaves the hours to implementing rules, so jp-acd's are settings; the
 * defaults follow the NIS2 rhythm (24 h, 72 h) with a 30-day final report. NIS2 and CIRCIA apply
 * only to operators with business in the EU or the US; which sectors that covers is a setting,
 * and the defaults pick the internationally exposed ones.
 */
export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = {
  jpEarlyWarning: 'PT24H',
  jpNotification: 'PT72H',
  jpFinal: 'P30D',
  jpSectors: SECTORS,
  nis2Sectors: ['finance', 'aviation', 'international-shipping', 'telecommunications'],
  circiaSectors: ['finance', 'aviation', 'international-shipping'],
  designationAssetNotifyWithin: DEFAULT_DESIGNATION_ASSET_NOTIFY_WITHIN,
};

function obligation(name: string, stage: ReportStage, from: ClockStart, text: string): Obligation {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.reason}`);
  return { name, stage, from, within: parsed.value, withinText: text };
}

export function buildReportingPolicy(
  s: ProfileSettings = DEFAULT_PROFILE_SETTINGS,
): ReportingPolicy {
  return {
    designationAssetNotifyWithin: s.designationAssetNotifyWithin,
    profiles: [
      {
        id: 'jp-acd',
        title: 'Japan, Act No. 42 of 2025 (Active Cyber Defense)',
        sectors: s.jpSectors,
        obligations: [
          obligation('early-warning', 'EARLY_WARNING', 'awareness', s.jpEarlyWarning),
          obligation('notification', 'NOTIFICATION', 'awareness', s.jpNotification),
          obligation('final-report', 'FINAL', 'awareness', s.jpFinal),
        ],
      },
      {
        id: 'nis2',
        title: 'EU NIS2 Directive, Article 23',
        sectors: s.nis2Sectors,
        obligations: [
          obligation('early-warning', 'EARLY_WARNING', 'awareness', 'PT24H'),
          obligation('notification', 'NOTIFICATION', 'awareness', 'PT72H'),
          obligation('final-report', 'FINAL', 'notification-filed', 'P1M'),
        ],
      },
      {
        id: 'circia',
        title: 'US CIRCIA (Cyber Incident Reporting for Critical Infrastructure Act)',
        sectors: s.circiaSectors,
        obligations: [
          obligation('covered-incident', 'NOTIFICATION', 'awareness', 'PT72H'),
          obligation('ransom-payment', 'RANSOM_PAYMENT', 'ransom-payment', 'PT24H'),
        ],
      },
    ],
  };
}

export function profilesFor(policy: ReportingPolicy, sector: string): ReportingProfile[] {
  return policy.profiles.filter((p) => p.sectors.includes(sector));
}

/** Deadlines that a clock start creates under the given regimes, due `within` after `at`. */
export function deadlinesStartingAt(
  policy: ReportingPolicy,
  regimes: readonly string[],
  from: ClockStart,
  at: Millis,
): Deadline[] {
  return policy.profiles
    .filter((p) => regimes.includes(p.id))
    .flatMap((p) =>
      p.obligations
        .filter((o) => o.from === from)
        .map((o) => ({
          deadlineId: `${p.id}/${o.name}`,
          regime: p.id,
          obligation: o.name,
          stage: o.stage,
          dueAt: addDuration(at, o.within),
        })),
    );
}
