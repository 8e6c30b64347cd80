import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkBackwardTransitive } from './compatibility';
import { lintSchemas } from './lint';
import { SchemaSet } from './schema-set';
import { encodeSingleObject } from './single-object';

/** The repository's own schemas/ folder, the wire contract of the whole bus. */
const SCHEMAS_DIR = join(__dirname, '..', '..', '..', '..', 'schemas');

describe('the repository schemas/ folder', () => {
  // Loading enforces the layout, full names and unique wire schemas; an absent folder is empty.
  const set = existsSync(SCHEMAS_DIR) ? SchemaSet.load(SCHEMAS_DIR) : SchemaSet.fromSchemas([]);

  it('documents every field and keeps every historical version', () => {
    expect(lintSchemas(set)).toEqual([]);
  });

  it('lets the newest version of each schema read every older one (BACKWARD_TRANSITIVE)', () => {
    expect(checkBackwardTransitive(set, { samples: 50 })).toEqual([]);
  });

  it('decodes a random value written with any version', () => {
    for (const writer of set.all()) {
      const decoded = set.decode(encodeSingleObject(writer, writer.type.random()));
      expect([decoded.fullName, decoded.writerVersion]).toEqual([writer.fullName, writer.version]);
    }
  });
});
