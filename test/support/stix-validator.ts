import { runPython, taxiiScript } from './python';

/** One object's verdict from the OASIS stix2-validator (test/taxii/validate_stix.py). */
export interface StixValidationResult {
  id: string | null;
  valid: boolean;
  errors: string[];
  warnings: string[];
}

/**
 * Validates STIX 2.1 objects with the OASIS validator, strictly (every best-practice check an
 * error, no custom types or properties; see validate_stix.py for the one check left out). One
 * Python process for all of them: importing the validator alone takes about 2 s.
 */
export async function validateStix(
  objects: readonly unknown[],
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): Promise<StixValidationResult[]> {
  const r = await runPython(taxiiScript('validate_stix.py'), [], {
    input: JSON.stringify(objects),
    timeoutMs,
  });
  if (r.code !== 0) {
    throw new Error(`validate_stix.py exited ${r.code ?? r.signal}: ${r.stderr}`);
  }
  const results = JSON.parse(r.stdout) as StixValidationResult[];
  if (results.length !== objects.length) {
    throw new Error(
      `validate_stix.py gave ${results.length} results for ${objects.length} objects`,
    );
  }
  return results;
}

/** The results that are not clean, with the object they are about (for a readable failure). */
export function invalidResults(
  objects: readonly unknown[],
  results: readonly StixValidationResult[],
): { object: unknown; errors: string[]; warnings: string[] }[] {
  return results.flatMap((r, i) =>
    r.valid && r.errors.length === 0
      ? []
      : [{ object: objects[i], errors: r.errors, warnings: r.warnings }],
  );
}
