import { isJsonObject } from './canonical-form';
import type { SchemaSet } from './schema-set';

export interface LintViolation {
  readonly file: string;
  /** Field path inside the record: `observable.value`, `tags[]`, `attributes{}.source`. */
  readonly path: string;
  readonly message: string;
}

function hasDoc(node: Record<string, unknown>): boolean {
  const doc = node['doc'];
  return typeof doc === 'string' && doc.trim() !== '';
}

function lintType(
  node: unknown,
  path: string,
  report: (path: string, message: string) => void,
): void {
  if (Array.isArray(node)) {
    for (const branch of node) lintType(branch, path, report);
    return;
  }
  if (!isJsonObject(node)) return; // a name: checked where it is defined
  switch (node['type']) {
    case 'record':
    case 'error': {
      const fields = Array.isArray(node['fields']) ? (node['fields'] as unknown[]) : [];
      for (const field of fields) {
        if (!isJsonObject(field)) continue;
        const fieldPath = path ? `${path}.${String(field['name'])}` : String(field['name']);
        if (!hasDoc(field)) report(fieldPath, 'field has no doc');
        lintType(field['type'], fieldPath, report);
      }
      return;
    }
    case 'array':
      lintType(node['items'], `${path}[]`, report);
      return;
    case 'map':
      lintType(node['values'], `${path}{}`, report);
      return;
  }
}

/**
 * House rules the Avro parser does not enforce: every record field, nested ones included, carries
 * a non-empty `doc`, and no version between 1 and the newest is missing ("nothing is removed").
 */
export function lintSchemas(set: SchemaSet): LintViolation[] {
  const violations: LintViolation[] = [];
  for (const name of set.names()) {
    const versions = set.versions(name);
    for (const schema of versions) {
      const file = schema.file ?? `${schema.fullName} v${schema.version}`;
      lintType(schema.schema, '', (path, message) => violations.push({ file, path, message }));
    }
    const present = new Set(versions.map((v) => v.version));
    const newest = versions.at(-1);
    for (let v = 1; newest && v < newest.version; v++) {
      if (!present.has(v)) {
        violations.push({
          file: newest.file ?? `${name} v${newest.version}`,
          path: '',
          message: `version ${v} of ${name} is missing; every historical version is kept`,
        });
      }
    }
  }
  return violations;
}
