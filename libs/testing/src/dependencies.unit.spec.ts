import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/**
 * package.json says what the project runs on: every package the code imports is declared, and
 * every declared package is imported, or is a tool run by name (listed here with the reason).
 */
const ROOT = path.resolve(__dirname, '../../..');

/** Declared but never imported by source: each is run by a command or loaded by name. */
const TOOLS: Record<string, string> = {
  '@nestjs/cli': 'the Nest monorepo tooling behind nest-cli.json',
  '@swc/core': 'compiles TypeScript for jest (jest.config.js)',
  '@swc/jest': 'jest transform (jest.config.js)',
  eslint: 'npm run lint',
  'eslint-import-resolver-typescript': 'resolves @acd/* imports for the boundary rules',
  jest: 'the test runner',
  prettier: 'npm run lint / format',
  typescript: 'tsc: build and type-check',
  'pino-http': 'peer dependency of nestjs-pino',
  'patch-package': 'postinstall: applies patches/ (decision 0040), production installs included',
};

interface Use {
  /** A file importing it (one with a value import where there is one). */
  file: string;
  typeOnly: boolean;
  /** A non-test file of apps/ or libs/ importing a value of it: it must be a run-time dependency. */
  runtimeFile?: string;
}

function importedPackages(): Map<string, Use> {
  const files = execFileSync(
    'git',
    [
      'ls-files',
      '-co',
      '--exclude-standard',
      'apps',
      'libs',
      'test',
      'bench',
      'scripts',
      '*.js',
      '*.mjs',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  )
    .split('\n')
    .filter((f) => /\.(ts|tsx|mjs|cjs|js)$/.test(f));
  const found = new Map<string, Use>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    const source = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      false,
      file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const note = (spec: string, typeOnly: boolean): void => {
      if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('@acd/')) return;
      const parts = spec.split('/');
      const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
      if (builtinModules.includes(name)) return;
      const seen = found.get(name);
      const use = !seen || (seen.typeOnly && !typeOnly) ? { file, typeOnly } : seen;
      // The console's packages are bundled into static files at build time, not run by Node.
      const runtime =
        !typeOnly &&
        /^(apps|libs)\//.test(file) &&
        !file.startsWith('apps/dashboard/') &&
        !/\.spec\.|\/testing\/|\/__fixtures__\//.test(file);
      found.set(name, { ...use, runtimeFile: seen?.runtimeFile ?? (runtime ? file : undefined) });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        note(node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        note(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
          (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        note(node.arguments[0].text, false);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('dependencies', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  const used = importedPackages();

  it('declares every package the code imports', () => {
    const missing = [...used]
      .filter(
        ([name, { typeOnly }]) =>
          !declared.has(name) && !(typeOnly && declared.has(`@types/${name}`)),
      )
      .map(([name, { file }]) => `${name} (imported by ${file})`);
    expect(missing).toEqual([]);
  });

  it('imports, or runs by name, every package it declares', () => {
    const typed = new Set([...used.keys()].map((n) => `@types/${n.replace(/^@(.*)\//, '$1__')}`));
    const unused = [...declared].filter(
      (name) =>
        !used.has(name) &&
        !(name in TOOLS) &&
        !typed.has(name) &&
        name !== '@types/node' &&
        name !== '@types/jest',
    );
    expect(unused).toEqual([]);
  });

  it('keeps run-time packages out of devDependencies when apps or libs import them', () => {
    const misplaced = [...used]
      .filter(([name, { runtimeFile }]) => runtimeFile && !(name in pkg.dependencies))
      .map(([name, { runtimeFile }]) => `${name} (imported by ${runtimeFile})`);
    expect(misplaced).toEqual([]);
  });
});
