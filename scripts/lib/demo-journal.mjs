// What the demo seeds sent, by principal and Idempotency-Key. A retry must repeat its request
// exactly (the bus refuses a key reused with another body), but the demo's bodies hold times
// relative to "now"; so a second `npm start` resends what the first one sent, as any careful
// client retries, and is answered from the log. The journal lives with the data it describes:
// purge the stack and it goes too.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function openJournal(file = process.env.ACD_DEMO_JOURNAL) {
  let sent = {};
  if (file && existsSync(file)) sent = JSON.parse(readFileSync(file, 'utf8'));
  return {
    /** The body first sent under this principal's key, or `body` (recorded) if none was. */
    replay(principal, key, body) {
      const entry = `${principal}\u0000${key}`;
      if (Object.hasOwn(sent, entry)) return sent[entry];
      sent[entry] = body;
      if (file) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(sent));
      }
      return body;
    },
  };
}
