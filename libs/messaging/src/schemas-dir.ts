import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The schema set ships beside package.json; compiled code finds it by walking up. */
export function schemasDir(start: string = __dirname): string {
  const configured = process.env.ACD_SCHEMAS_DIR;
  if (configured) return configured;
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas')))
      return join(dir, 'schemas');
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no schemas/ folder above ${start}; set ACD_SCHEMAS_DIR`);
    dir = parent;
  }
}
