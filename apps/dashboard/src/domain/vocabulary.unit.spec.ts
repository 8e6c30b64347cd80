import * as identity from '../../../../libs/identity/src/domain/organisation';
import * as tlp from '../../../../libs/identity/src/domain/tlp';
import * as reporting from '../../../../libs/reporting/src/domain/reporting.events';
import { ADVISORY_SEVERITIES } from '../../../../libs/advisories/src/domain/advisory.events';
import { INDICATOR_TYPES } from '../../../../libs/indicators/src/domain/indicator-value';
import * as oversight from '../../../../libs/oversight/src/domain/oversight.events';
import * as ours from './vocabulary';

// These two reach other libs through path aliases, which only jest resolves here (the
// dashboard's type check does not follow them).
const libs = '../../../../libs';
/* eslint-disable @typescript-eslint/no-require-imports */
const { PROFILE_IDS } = require(`${libs}/reporting/src/domain/profiles`) as {
  PROFILE_IDS: readonly string[];
};
const { STIX_CONTEXT_TYPES } = require(`${libs}/indicators/src/domain/indicator.stix-import`) as {
  STIX_CONTEXT_TYPES: ReadonlySet<string>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

describe("the console's vocabularies", () => {
  it('are the lists the API validates against', () => {
    expect(ours.TLP_LEVELS).toEqual(tlp.TLP_LEVELS);
    expect(ours.ORG_KINDS).toEqual(identity.ORG_KINDS);
    expect(ours.SECTORS).toEqual(identity.SECTORS);
    expect(ours.REPORT_STAGES).toEqual(reporting.REPORT_STAGES);
    expect(ours.IMPACT_LEVELS).toEqual(reporting.IMPACT_LEVELS);
    expect(ours.INCIDENT_STATUSES).toEqual(reporting.INCIDENT_STATUSES);
    expect(ours.REGIMES).toEqual(PROFILE_IDS);
    expect(ours.ADVISORY_SEVERITIES).toEqual(ADVISORY_SEVERITIES);
    expect(ours.INDICATOR_TYPES).toEqual(INDICATOR_TYPES);
    expect(ours.ASSET_EXPOSURES).toEqual(reporting.ASSET_EXPOSURES);
    expect(ours.METADATA_CATEGORIES).toEqual(oversight.METADATA_CATEGORIES);
    expect(ours.OPERATION_MEASURES).toEqual(oversight.OPERATION_MEASURES);
    expect(ours.EXECUTION_OUTCOMES).toEqual(oversight.EXECUTION_OUTCOMES);
    expect(ours.VOTES).toEqual(oversight.VOTES);
    expect(new Set(ours.STIX_CONTEXT_TYPES)).toEqual(STIX_CONTEXT_TYPES);
  });
});
