import {
  authorIdentity,
  STIX_SPEC_VERSION,
  stixId,
  stixTimestamp,
  TLP_MARKING_IDS,
  type StixCommonProperties,
  type StixIdentity,
  type Tlp,
} from '@acd/identity/domain';
import { indicatorStixId } from '@acd/indicators/domain';

/**
 * Advisories as STIX 2.1 (pure): a `report` that refers to the advisory's related indicators and
 * to one `course-of-action` per recommended action. The input is the advisory as one reader may
 * read it: `indicatorIds` already cut to the indicators that reader may read (the reference
 * policy), so a report never points at an object the reader cannot fetch.
 */
export interface AdvisoryStixView {
  advisoryId: string;
  title: string;
  summary: string;
  severity: string;
  tlp: Tlp;
  indicatorIds: readonly string[];
  recommendedActions: readonly string[];
  status: 'active' | 'withdrawn';
  issuedAt: Date;
  /** When the version being exported was made (its event's time). */
  updatedAt: Date;
}

export interface StixReport extends StixCommonProperties {
  type: 'report';
  name: string;
  description: string;
  report_types: ['threat-report'];
  published: string;
  labels: string[];
  object_refs: string[];
}

export interface StixCourseOfAction extends StixCommonProperties {
  type: 'course-of-action';
  name: string;
  description: string;
}

/** At most this many characters of an action make its name; the description holds it whole. */
const ACTION_NAME_LENGTH = 120;

/**
 * One version of an advisory: the report, its courses of action and its author. A withdrawal is
 * the next version of each with `revoked: true`.
 */
export function advisoryToStix(
  view: AdvisoryStixView,
  issuerShownName: string,
): { report: StixReport; actions: StixCourseOfAction[]; author: StixIdentity } {
  const author = authorIdentity(issuerShownName);
  const common = {
    spec_version: STIX_SPEC_VERSION,
    created: stixTimestamp(view.issuedAt),
    modified: stixTimestamp(view.updatedAt),
    created_by_ref: author.id,
    ...(view.status === 'withdrawn' ? { revoked: true as const } : {}),
    object_marking_refs: [TLP_MARKING_IDS[view.tlp]],
  };
  const actions: StixCourseOfAction[] = view.recommendedActions.map((action, i) => ({
    type: 'course-of-action',
    ...common,
    id: stixId('course-of-action', `${view.advisoryId}#${i}`),
    name:
      action.length > ACTION_NAME_LENGTH ? `${action.slice(0, ACTION_NAME_LENGTH - 1)}…` : action,
    description: action,
  }));
  const refs = [...view.indicatorIds.map(indicatorStixId), ...actions.map((a) => a.id)];
  const report: StixReport = {
    type: 'report',
    ...common,
    id: stixId('report', view.advisoryId),
    name: view.title,
    description: view.summary,
    report_types: ['threat-report'],
    published: stixTimestamp(view.issuedAt),
    labels: [`severity:${view.severity}`],
    // STIX requires at least one reference: an advisory with neither indicators nor actions
    // refers to its author.
    object_refs: refs.length > 0 ? refs : [author.id],
  };
  return { report, actions, author };
}
