/** What the Kafka runtime needs from the Avro layer; SchemaSet implements it. */
export interface WireCodec {
  encode(fullName: string, value: unknown): Buffer;
  decode(buf: Buffer): { fullName: string; value: unknown };
}

export function reasonOf(err: unknown): string {
  if (err && typeof err === 'object' && 'reason' in err && typeof err.reason === 'string') {
    return err.reason;
  }
  if (err && typeof err === 'object' && 'headerName' in err) return 'bad-headers';
  return 'undecodable';
}

export const shortName = (fullName: string): string =>
  fullName.slice(fullName.lastIndexOf('.') + 1);
