/** What travels with every event besides its data; each field becomes a Kafka header. */
export interface EventMetadata {
  eventId: string;
  eventType: string;
  aggregateId: string;
  aggregateVersion: number;
  orgId: string;
  occurredAt: Date;
  correlationId: string;
  /** Id of the command that caused the event: replays rebuild the set of processed commands from it. */
  causationId: string;
  /**
   * Digest of the request that caused the event (command type, aggregate, body and principal);
   * a retried command id is answered from the log only when it carries the same digest.
   * Absent on events written by the bus itself (schedulers) and before it was recorded.
   */
  commandFingerprint?: string;
  /**
   * The member (person) of `orgId` whose personal token caused the event, so every audited act
   * names a person. Absent for an organisation's own token and for events the bus writes itself.
   */
  actor?: string;
}

export interface EventEnvelope<E = unknown> {
  metadata: EventMetadata;
  event: E;
}
