import {
  type AvroType,
  createResolver,
  isValidValue,
  randomValue,
  recordFields,
  typeAliases,
} from './avsc-adapter';
import { type CompiledSchema } from './compiled-schema';
import type { SchemaSet } from './schema-set';
import { encodeSingleObject } from './single-object';

export interface CompatibilityProblem {
  readonly fullName: string;
  readonly writerVersion: number;
  readonly readerVersion: number;
  readonly message: string;
}

export interface CompatibilityOptions {
  /** Random values written with each older version and read back with the newest. */
  readonly samples?: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function resolveError(reader: AvroType, writer: AvroType): string | undefined {
  try {
    createResolver(reader, writer);
    return undefined;
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * avsc says `cannot read "int" as "string"` without saying where. Walk matching record fields
 * (by name or reader alias, as resolution does) to the innermost one that fails.
 */
function explain(reader: AvroType, writer: AvroType, path: string): string | undefined {
  const avscMessage = resolveError(reader, writer);
  if (avscMessage === undefined) return undefined;
  const readerFields = recordFields(reader);
  const writerFields = recordFields(writer);
  if (readerFields && writerFields) {
    const names = [reader.name ?? '', ...typeAliases(reader)];
    if (writer.name && !names.includes(writer.name)) {
      return `${path || 'record'}: record ${writer.name} cannot be read as ${reader.name} (no alias)`;
    }
    for (const field of readerFields) {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      const source = writerFields.find(
        (w) => w.name === field.name || field.aliases.includes(w.name),
      );
      if (!source) {
        if (!field.hasDefault) {
          return `${fieldPath}: field added without a default, so older records cannot fill it`;
        }
        continue;
      }
      const inner = explain(field.type, source.type, fieldPath);
      if (inner) return inner;
    }
  }
  return `${path || 'value'}: ${avscMessage}`;
}

/**
 * BACKWARD_TRANSITIVE: the newest version of every name reads every older version. Checked twice
 * over: avsc must build a resolver, and random values written with the old version must come out
 * of SchemaSet.decode as valid values of the newest.
 */
export function checkBackwardTransitive(
  set: SchemaSet,
  options: CompatibilityOptions = {},
): CompatibilityProblem[] {
  const samples = options.samples ?? 25;
  const problems: CompatibilityProblem[] = [];
  for (const name of set.names()) {
    const reader = set.latest(name);
    for (const writer of set.versions(name)) {
      if (writer === reader) continue;
      const problem = (message: string): CompatibilityProblem => ({
        fullName: name,
        writerVersion: writer.version,
        readerVersion: reader.version,
        message,
      });
      const unresolvable = explain(reader.type, writer.type, '');
      if (unresolvable) {
        problems.push(problem(unresolvable));
        continue;
      }
      const failure = roundTripFailure(set, writer, reader, samples);
      if (failure) problems.push(problem(failure));
    }
  }
  return problems;
}

function roundTripFailure(
  set: SchemaSet,
  writer: CompiledSchema,
  reader: CompiledSchema,
  samples: number,
): string | undefined {
  for (let i = 0; i < samples; i++) {
    const value = randomValue(writer.type);
    try {
      const decoded = set.decode(encodeSingleObject(writer, value));
      if (decoded.writerVersion !== writer.version || decoded.readerVersion !== reader.version) {
        return `decoded as v${decoded.writerVersion} -> v${decoded.readerVersion}`;
      }
      if (!isValidValue(reader.type, decoded.value)) {
        return `a v${writer.version} value read as v${reader.version} is not a valid v${reader.version} value`;
      }
    } catch (error) {
      return `round trip of a random v${writer.version} value failed: ${messageOf(error)}`;
    }
  }
  return undefined;
}
