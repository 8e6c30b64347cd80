import { DEMO_ORGS, emptyReferenceTerms } from '@acd/identity';
import type { OversightRequestDoc } from '@acd/oversight';
import { presentBoard, presentRequest } from './oversight.presenter';

const T0 = new Date('2026-11-22T00:00:00Z');
const commission = DEMO_ORGS.oversight;
const sdf = DEMO_ORGS.sdfCyber;

/** A pending SDF operation request as the read model holds it. */
const doc = (over: Partial<OversightRequestDoc> = {}): OversightRequestDoc => ({
  _id: 'req-1',
  version: 1,
  kind: 'operation',
  status: 'pending',
  requestedBy: sdf.id,
  requesterKind: 'sdf',
  justification: 'Staging server of an intrusion set',
  validFrom: T0,
  validUntil: new Date(T0.getTime() + 86_400_000),
  requestedAt: T0,
  roster: ['member-1', 'member-2', 'member-3'],
  quorum: 2,
  votes: [],
  approvals: 0,
  denials: 0,
  decidedAt: null,
  target: { type: 'domain', value: 'c2.example.net', country: 'NL' },
  evidence: [],
  measures: ['access'],
  stage: 'requested',
  primeMinisterOrder: {
    givenAt: new Date(T0.getTime() - 3_600_000),
    grounds: 'Organised attack from abroad',
    reference: 'PMO-7',
  },
  attestation: { belowArmedAttackThreshold: true, justification: 'No lasting effect' },
  consultation: null,
  emergency: null,
  execution: null,
  report: null,
  updatedAt: T0,
  ...over,
});

describe('what the commission weighs when it votes on an operation', () => {
  it("given an SDF request, then the request and the board show the Prime Minister's order and the attestation", () => {
    const grounds = {
      primeMinisterOrder: {
        givenAt: '2026-11-21T23:00:00.000Z',
        grounds: 'Organised attack from abroad',
        reference: 'PMO-7',
      },
      attestation: { belowArmedAttackThreshold: true, justification: 'No lasting effect' },
      legacy: false,
    };
    expect(presentRequest(doc(), commission, emptyReferenceTerms(), T0)).toMatchObject(grounds);
    const board = presentBoard({ pending: [doc()], approved: [], operations: [] }, null, T0);
    expect(board.pending[0]).toMatchObject({ requesterKind: 'sdf', ...grounds });
  });

  it('given a legacy request (a document written before the fields existed), then it shows as legacy with neither', () => {
    const { primeMinisterOrder: _o, attestation: _a, ...old } = doc();
    const seen = presentRequest(old, sdf, emptyReferenceTerms(), T0);
    expect(seen).toMatchObject({ primeMinisterOrder: null, attestation: null, legacy: true });
    const board = presentBoard({ pending: [old], approved: [], operations: [] }, null, T0);
    expect(board.pending[0]).toMatchObject({ attestation: null, legacy: true });
  });

  it('given a collection request, then the board shows none of it', () => {
    const collection = doc({ kind: 'collection', target: null, telecomId: 'tel-x' });
    const board = presentBoard({ pending: [collection], approved: [], operations: [] }, null, T0);
    expect(board.pending[0]).not.toHaveProperty('legacy');
    expect(board.pending[0]).not.toHaveProperty('primeMinisterOrder');
  });
});
