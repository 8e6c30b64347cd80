import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the demo sent, by principal and Idempotency-Key. A retry must repeat its request exactly
 * (the bus refuses a key reused with another body), but the demo's bodies hold times relative to
 * "now"; so a second run resends what the first one sent, as any careful client retries, and is
 * answered from the log. The journal lives with the data it describes: purge the stack and it
 * goes too.
 */
export class DemoJournal {
  private constructor(
    private readonly sent: Record<string, unknown>,
    private readonly save: (sent: Record<string, unknown>) => void,
  ) {}

  /** A journal kept in `file` (created on first use); without a file, one kept in memory. */
  static open(file?: string): DemoJournal {
    if (!file) return DemoJournal.inMemory();
    const sent = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : {};
    return new DemoJournal(sent, (entries) => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(entries));
    });
  }

  static inMemory(entries: Record<string, unknown> = {}): DemoJournal {
    return new DemoJournal(entries, () => undefined);
  }

  /** The body first sent under this principal's key, or `body` (recorded) if none was. */
  replay<T>(principal: string, key: string, body: T): T {
    const entry = `${principal}\u0000${key}`;
    if (Object.hasOwn(this.sent, entry)) return this.sent[entry] as T;
    this.sent[entry] = body;
    this.save(this.sent);
    return body;
  }
}
