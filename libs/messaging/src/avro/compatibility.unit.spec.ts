import { join } from 'node:path';
import { checkBackwardTransitive } from './compatibility';
import { SchemaSet } from './schema-set';

const fixtures = join(__dirname, '__fixtures__');

function record(fields: object[]): object {
  return { type: 'record', name: 'jp.acd.x.Thing', fields };
}

describe('checkBackwardTransitive', () => {
  it('passes an evolution that adds defaulted fields, renames with an alias and widens int to long', () => {
    expect(checkBackwardTransitive(SchemaSet.load(join(fixtures, 'compatible')))).toEqual([]);
  });

  it('catches a field added without a default and a field turned from int to string', () => {
    const problems = checkBackwardTransitive(SchemaSet.load(join(fixtures, 'incompatible')));
    expect(problems).toEqual([
      {
        fullName: 'jp.acd.test.CountChanged',
        writerVersion: 1,
        readerVersion: 2,
        message: 'count: cannot read "int" as "string"',
      },
      {
        fullName: 'jp.acd.test.ThingHappened',
        writerVersion: 1,
        readerVersion: 2,
        message: 'priority: field added without a default, so older records cannot fill it',
      },
    ]);
  });

  it('checks every older version against the newest, not only the previous one', () => {
    const set = SchemaSet.fromSchemas([
      { version: 1, schema: record([{ name: 'a', type: 'int' }]) },
      {
        version: 2,
        schema: record([
          { name: 'a', type: 'int' },
          { name: 'b', type: 'int', default: 0 },
        ]),
      },
      // v3 reads v2 fine, but by dropping b's default it can no longer read v1.
      {
        version: 3,
        schema: record([
          { name: 'a', type: 'int' },
          { name: 'b', type: 'int' },
          { name: 'c', type: 'string', default: '' },
        ]),
      },
    ]);
    expect(checkBackwardTransitive(set)).toEqual([
      expect.objectContaining({
        writerVersion: 1,
        readerVersion: 3,
        message: expect.stringMatching(/^b: field added without a default/),
      }),
    ]);
  });

  it('locates the failure inside nested records', () => {
    const inner = (type: string) => ({
      name: 'where',
      type: { type: 'record', name: 'Where', fields: [{ name: 'port', type }] },
    });
    const set = SchemaSet.fromSchemas([
      { version: 1, schema: record([inner('int')]) },
      { version: 2, schema: record([inner('boolean')]) },
    ]);
    expect(checkBackwardTransitive(set)).toEqual([
      expect.objectContaining({ message: 'where.port: cannot read "int" as "boolean"' }),
    ]);
  });

  it('reports an enum that lost a symbol without a default', () => {
    const severity = (symbols: string[]) => ({
      name: 'severity',
      type: { type: 'enum', name: 'Severity', symbols },
    });
    const set = SchemaSet.fromSchemas([
      { version: 1, schema: record([severity(['LOW', 'HIGH', 'CRITICAL'])]) },
      { version: 2, schema: record([severity(['LOW', 'HIGH'])]) },
    ]);
    expect(checkBackwardTransitive(set)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^severity: /) }),
    ]);
  });
});
