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
}

export interface EventEnvelope<E = unknown> {
  metadata: EventMetadata;
  event: E;
}
