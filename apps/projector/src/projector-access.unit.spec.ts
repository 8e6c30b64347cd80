import { SERVICE_ACCESS } from '@acd/messaging';
import { PROJECTIONS } from './projectors';

describe('the projector’s Kafka rights follow its projections', () => {
  it('reads (and dead-letters) exactly the topics its projections fold', () => {
    const topics = [...new Set(PROJECTIONS.map((p) => p.topic))].sort();
    expect([...SERVICE_ACCESS.projector.reads].sort()).toEqual(topics);
    expect([...SERVICE_ACCESS.projector.deadLetters].sort()).toEqual(topics);
  });
});
