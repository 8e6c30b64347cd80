import fc from 'fast-check';
import { checkReport, emptyReportForm, nextStage, reportBody } from './report-form';

// The API's own schema (required at run time: the dashboard's type check stays out of the libs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fileReportSchema } = require('../../../../libs/reporting/src/reporting.schemas') as {
  fileReportSchema: {
    safeParse(v: unknown): {
      success: boolean;
      error?: { issues: { path: (string | number)[] }[] };
    };
  };
};

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const body = fc.record(
  {
    stage: fc.constantFrom(
      'EARLY_WARNING',
      'NOTIFICATION',
      'INTERIM',
      'FINAL',
      'RANSOM_PAYMENT',
      'LATER',
      '',
    ),
    summary: fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.constant('   '),
      fc.constant('x'.repeat(20_001)),
    ),
    impact: maybe(fc.constantFrom('none', 'low', 'moderate', 'high', 'severe', 'huge')),
    status: maybe(fc.constantFrom('investigating', 'contained', 'recovering', 'resolved', 'done')),
    suspectedActor: maybe(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('a'.repeat(201)))),
    affectedAssets: maybe(
      fc.array(fc.constantFrom('ems-01', 'a.b_c-d', '-bad', '', 'x'.repeat(65)), { maxLength: 3 }),
    ),
    indicatorIds: maybe(fc.array(fc.oneof(fc.uuid(), fc.constant('not-a-uuid')), { maxLength: 3 })),
    sharedWithPolice: maybe(fc.oneof(fc.boolean(), fc.constant('yes'))),
    ransomPaidAt: maybe(
      fc.constantFrom(
        '2026-12-08T09:00:00+09:00',
        '2026-12-08T00:00:00Z',
        '2026-12-08 09:00',
        '2026-12-08T09:00:00',
      ),
    ),
    extra: maybe(fc.constant('unexpected')),
  },
  { requiredKeys: [] },
);

describe('the report form', () => {
  it('accepts exactly the bodies the API accepts, and names the same fields', () => {
    fc.assert(
      fc.property(body, (b) => {
        const ours = checkReport(b as Record<string, unknown>);
        const theirs = fileReportSchema.safeParse(b);
        expect(ours.ok).toBe(theirs.success);
        if (!ours.ok && !theirs.success) {
          expect(new Set(ours.problems.map((p) => p.field))).toEqual(
            new Set((theirs.error?.issues ?? []).map((i) => i.path.join('.') || '(body)')),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('sends only what was filled in, times read as JST', () => {
    expect(
      reportBody({
        ...emptyReportForm('NOTIFICATION'),
        summary: 'contained on the EMS',
        status: 'contained',
        affectedAssets: 'ems-01, ems-02',
        sharedWithPolice: 'no',
        ransomPaidAt: '2026-12-08T09:30',
      }),
    ).toEqual({
      stage: 'NOTIFICATION',
      summary: 'contained on the EMS',
      status: 'contained',
      affectedAssets: ['ems-01', 'ems-02'],
      sharedWithPolice: false,
      ransomPaidAt: '2026-12-08T09:30:00+09:00',
    });
    expect(checkReport(reportBody(emptyReportForm()))).toEqual({
      ok: false,
      problems: [
        { field: 'stage', code: 'required' },
        { field: 'summary', code: 'blank' },
      ],
    });
  });

  it('offers the next stage in order', () => {
    expect(nextStage([], false)).toBe('EARLY_WARNING');
    expect(nextStage(['EARLY_WARNING'], false)).toBe('NOTIFICATION');
    expect(nextStage(['EARLY_WARNING', 'NOTIFICATION'], false)).toBe('INTERIM');
    expect(nextStage(['EARLY_WARNING'], true)).toBe('');
  });
});
