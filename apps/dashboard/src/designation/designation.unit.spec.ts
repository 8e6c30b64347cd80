import {
  checkDesignation,
  designationBody,
  designationState,
  type Designation,
} from './designation';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { designationSchema } = require('../../../../libs/reporting/src/reporting.schemas') as {
  designationSchema: { safeParse(v: unknown): { success: boolean } };
};

const NOW = Date.parse('2026-12-06T09:00:00Z');
const d = (over: Partial<Designation>): Designation => ({
  designatedAt: '2026-06-01T00:00:00.000Z',
  reference: null,
  designatedByOrgId: 'gov-nco',
  assetNotificationDueAt: '2026-12-01T00:00:00.000Z',
  status: 'pending',
  metAt: null,
  late: false,
  caseId: null,
  ...over,
});

describe('an operator’s designation', () => {
  it('shows as none, pending, overdue, met (on time or late) or missed', () => {
    expect(designationState(null, NOW)).toBe('none');
    expect(designationState(d({ assetNotificationDueAt: '2027-01-01T00:00:00Z' }), NOW)).toBe(
      'pending',
    );
    // The scheduler records the miss a moment after the due time: until then it is overdue.
    expect(designationState(d({}), NOW)).toBe('overdue');
    expect(designationState(d({ status: 'met', metAt: '2026-11-01T00:00:00Z' }), NOW)).toBe('met');
    expect(designationState(d({ status: 'met', late: true }), NOW)).toBe('met-late');
    expect(designationState(d({ status: 'missed', caseId: 'c1' }), NOW)).toBe('missed');
  });

  it('is designated with the body the API takes, the time read as JST and not ahead', () => {
    const body = designationBody({
      sector: 'electricity',
      designatedAt: '2026-12-06T10:00',
      reference: 'NCO-D-2026-001',
    });
    expect(body).toEqual({
      sector: 'electricity',
      designatedAt: '2026-12-06T10:00:00+09:00',
      reference: 'NCO-D-2026-001',
    });
    expect(designationSchema.safeParse(body).success).toBe(true);
    expect(checkDesignation(body, NOW)).toEqual([]);
    const noRef = designationBody({
      sector: 'gas',
      designatedAt: '2026-12-06T10:00',
      reference: ' ',
    });
    expect(noRef).toEqual({ sector: 'gas', designatedAt: '2026-12-06T10:00:00+09:00' });
    expect(designationSchema.safeParse(noRef).success).toBe(true);
  });

  it('names what the API would refuse', () => {
    expect(
      checkDesignation(
        designationBody({ sector: '', designatedAt: '', reference: 'x'.repeat(201) }),
        NOW,
      ),
    ).toEqual([
      { field: 'sector', code: 'required' },
      { field: 'designatedAt', code: 'required' },
      { field: 'reference', code: 'tooLong' },
    ]);
    expect(
      checkDesignation(
        designationBody({ sector: 'bakeries', designatedAt: '2026-12-07T10:00', reference: '' }),
        NOW,
      ),
    ).toEqual([
      { field: 'sector', code: 'invalid' },
      { field: 'designatedAt', code: 'inFuture' },
    ]);
    expect(designationSchema.safeParse({ sector: 'gas', designatedAt: 'yesterday' }).success).toBe(
      false,
    );
  });
});
