import type { EventEnvelope } from '@acd/event-sourcing';
import type { OversightEvent } from '../domain/oversight.events';
import { evolveSupervisionDoc, supervisionDocIdOf } from './supervision.projection';
import type { SupervisionDoc } from './supervision.read-model';

const T0 = Date.parse('2026-12-01T00:00:00Z');
let version = 0;
const env = (event: OversightEvent): EventEnvelope<OversightEvent> =>
  ({
    metadata: { aggregateId: 'gov-npa', aggregateVersion: ++version },
    event,
  }) as unknown as EventEnvelope<OversightEvent>;

const fold = (events: OversightEvent[]) => {
  const docs = new Map<string, SupervisionDoc>();
  for (const e of events) {
    const envelope = env(e);
    const id = supervisionDocIdOf(envelope);
    if (id === null) continue;
    const next = evolveSupervisionDoc(docs.get(id) ?? null, envelope);
    if (next) docs.set(id, next);
  }
  return docs;
};

describe('the supervision read model', () => {
  beforeEach(() => {
    version = 0;
  });

  it('keeps one document per item of the file, each at the version that last changed it', () => {
    const docs = fold([
      {
        type: 'InspectionOpened',
        data: {
          agencyId: 'gov-npa',
          inspectionId: 'i1',
          agencyKind: 'police',
          scope: 'retention',
          openedBy: 'member-1',
          openedAt: T0,
        },
      },
      {
        type: 'DisciplinaryActionDemanded',
        data: {
          agencyId: 'gov-npa',
          demandId: 'd1',
          agencyKind: 'police',
          inspectionId: 'i1',
          leak: 'mailed',
          demand: 'discipline',
          demandedBy: 'member-2',
          demandedAt: T0 + 1,
        },
      },
      {
        type: 'InspectionAnswered',
        data: { agencyId: 'gov-npa', inspectionId: 'i1', answer: 'logs', answeredAt: T0 + 2 },
      },
      {
        type: 'InspectionConcluded',
        data: {
          agencyId: 'gov-npa',
          inspectionId: 'i1',
          conclusion: 'issues-found',
          findings: 'kept too long',
          concludedBy: 'member-3',
          concludedAt: T0 + 3,
        },
      },
      {
        type: 'DisciplinaryActionReported',
        data: { agencyId: 'gov-npa', demandId: 'd1', actionTaken: 'suspended', reportedAt: T0 + 4 },
      },
    ]);
    expect(docs.get('i1')).toMatchObject({
      kind: 'inspection',
      agencyId: 'gov-npa',
      status: 'concluded',
      text: 'retention',
      by: 'member-1',
      version: 4,
      answer: { text: 'logs', at: new Date(T0 + 2) },
      findings: { conclusion: 'issues-found', text: 'kept too long', by: 'member-3' },
    });
    expect(docs.get('d1')).toMatchObject({
      kind: 'disciplinary-demand',
      status: 'reported',
      leak: 'mailed',
      text: 'discipline',
      inspectionId: 'i1',
      by: 'member-2',
      version: 5,
      answer: { text: 'suspended', at: new Date(T0 + 4) },
    });
  });

  it("touches nothing for a request's events", () => {
    expect(
      supervisionDocIdOf(
        env({
          type: 'OperationReported',
          data: { requestId: 'r', agencyId: 'gov-npa', summary: 's', reportedAt: T0 },
        }),
      ),
    ).toBeNull();
  });
});
