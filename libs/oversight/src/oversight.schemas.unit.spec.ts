import fc from 'fast-check';
import {
  agencyBodyIssue,
  emergencyOperationSchema,
  operationRequestSchema,
} from './oversight.schemas';

const body = {
  target: { type: 'ip', value: '133.242.0.1' },
  justification: 'C2 server steering a botnet',
  evidence: [{ type: 'indicator', id: 'ind-1' }],
  measures: ['access'],
  validFrom: '2026-11-22T00:00:00Z',
  validUntil: '2026-11-29T00:00:00Z',
  attestation: { belowArmedAttackThreshold: true as const },
};
const order = { givenAt: '2026-11-21T23:00:00Z', grounds: 'Organised attack from abroad' };
const emergency = {
  ...body,
  emergencyReason: 'Wiper detonating',
  execution: {
    target: '133.242.0.1',
    startedAt: '2026-11-22T01:00:00Z',
    endedAt: '2026-11-22T02:00:00Z',
    outcome: 'succeeded',
    summary: 'done',
    measuresTaken: ['access'],
  },
};

const fields = (r: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('operation bodies at the edge', () => {
  describe('the attestation below the threshold of an armed attack', () => {
    it.each([
      ['missing', undefined, 'attestation'],
      ['false', { belowArmedAttackThreshold: false }, 'attestation.belowArmedAttackThreshold'],
      ['a string', { belowArmedAttackThreshold: 'yes' }, 'attestation.belowArmedAttackThreshold'],
      [
        'blank justification',
        { belowArmedAttackThreshold: true, justification: ' ' },
        'attestation.justification',
      ],
    ])(
      'given it %s, then the request and the emergency record are 400 naming %s',
      (_, attestation, field) => {
        expect(fields(operationRequestSchema.safeParse({ ...body, attestation }))).toEqual([field]);
        expect(fields(emergencyOperationSchema.safeParse({ ...emergency, attestation }))).toEqual([
          field,
        ]);
      },
    );

    it('given true, with or without a short justification, then accepted', () => {
      expect(operationRequestSchema.safeParse(body).success).toBe(true);
      const justified = { belowArmedAttackThreshold: true, justification: 'No lasting effect' };
      expect(operationRequestSchema.safeParse({ ...body, attestation: justified }).success).toBe(
        true,
      );
    });
  });

  describe("the Prime Minister's order, by who sends it", () => {
    it('given the SDF without an order, then it is named; with one, nothing', () => {
      expect(agencyBodyIssue('sdf', body)).toEqual({
        field: 'primeMinisterOrder',
        reason: expect.stringContaining('order of the Prime Minister'),
      });
      expect(agencyBodyIssue('sdf', { ...body, primeMinisterOrder: order })).toBeNull();
    });

    it('given the police with an order, then it is named; without, nothing', () => {
      expect(agencyBodyIssue('police', { ...body, primeMinisterOrder: order })).toEqual({
        field: 'primeMinisterOrder',
        reason: expect.stringContaining('only the SDF'),
      });
      expect(agencyBodyIssue('police', body)).toBeNull();
    });

    it('given anyone else, then the edge says nothing about the order (the decider refuses them, 403)', () => {
      fc.assert(
        fc.property(
          fc.string().filter((k) => k !== 'sdf' && k !== 'police'),
          fc.boolean(),
          (kind, withOrder) => {
            const b = withOrder ? { ...body, primeMinisterOrder: order } : body;
            expect(agencyBodyIssue(kind, b)).toBeNull();
          },
        ),
      );
    });

    it('given an order, then its time and grounds are checked like any field', () => {
      const bad = { givenAt: 'yesterday', grounds: ' ', reference: 'x'.repeat(201) };
      expect(
        fields(operationRequestSchema.safeParse({ ...body, primeMinisterOrder: bad })),
      ).toEqual([
        'primeMinisterOrder.givenAt',
        'primeMinisterOrder.grounds',
        'primeMinisterOrder.reference',
      ]);
    });
  });
});
