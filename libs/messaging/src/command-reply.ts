/** Mirrors schemas/jp.acd.bus/CommandReply.v1.avsc. */
export interface CommandReply {
  commandId: string;
  aggregateId: string;
  outcome: 'ACCEPTED' | 'REFUSED';
  version: number;
  eventIds: string[];
  duplicate: boolean;
  code: 'conflict' | 'invalid' | 'forbidden' | 'not-found' | 'unavailable' | null;
  reason: string | null;
  field: string | null;
}
