/** Outcome of parsing untrusted input: the value, or a reason a person can act on. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const parsedOk = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const parsedFail = (reason: string): { ok: false; reason: string } => ({
  ok: false,
  reason,
});
