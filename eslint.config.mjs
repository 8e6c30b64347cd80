import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.local/**',
      'coverage/**',
      'scripts/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    // A domain is pure: no framework, database, broker or file system in a decider.
    files: ['libs/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            'mongoose',
            'kafkajs',
            'avsc',
            'mongodb',
            'node:fs',
            'node:child_process',
            'node:http',
            'node:https',
          ],
        },
      ],
    },
  },
  {
    // The house's walls (docs/architecture.md, "Code layout"). Each import is resolved to a file
    // and classified; a forbidden one fails `npm run lint`, and so the build.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/include': ['apps/**/*', 'libs/**/*'],
      'boundaries/elements': [
        { type: 'app', pattern: 'apps/*', capture: ['app'] },
        { type: 'domain', pattern: 'libs/*/src/domain', capture: ['context'] },
        {
          type: 'infrastructure',
          pattern: 'libs/{config,event-sourcing,messaging,persistence,runtime,testing}',
          capture: ['lib'],
        },
        { type: 'context', pattern: 'libs/*', capture: ['context'] },
      ],
    },
    rules: {
      'boundaries/element-types': [
        'error',
        {
          default: 'allow',
          rules: [
            {
              from: ['app'],
              disallow: [['app', { app: '!${from.app}' }]],
              message: 'apps never import apps: move what both need into a lib',
            },
            {
              from: ['domain'],
              disallow: ['app', 'context', 'infrastructure'],
              message:
                'a domain imports only domain code and event-sourcing (not ${dependency.type} ${dependency.source})',
            },
            { from: ['domain'], allow: ['domain', ['infrastructure', { lib: 'event-sourcing' }]] },
            {
              from: ['infrastructure'],
              disallow: ['domain', 'context', 'app'],
              message:
                'an infrastructure lib holds mechanisms only and imports no context (${dependency.source})',
            },
            {
              from: ['context'],
              disallow: ['app'],
              message: 'a lib never imports an app',
            },
          ],
        },
      ],
    },
  },
);
