import type { Decider } from '@acd/event-sourcing';
import type { TopicKey } from './topics';

export interface Message {
  type: string;
  data: object;
}

/** What the generic command processor needs to know of one bounded context. */
export interface BoundedContext<C extends Message, E extends Message, S> {
  name: string;
  /** Avro namespace: `${namespace}.${command.type}` is the command's record name. */
  namespace: string;
  commandsTopic: TopicKey;
  eventsTopic: TopicKey;
  decider: Decider<C, E, S>;
  aggregateIdOf(command: C): string;
  /**
   * Lets a context send a command to the aggregate that already stands for it under another id
   * (e.g. one minted before ids were keyed). `exists` sees every aggregate this processor loaded.
   */
  redirect?(command: C, issuer: { orgId: string }, exists: (aggregateId: string) => boolean): C;
}
