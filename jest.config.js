/**
 * Five tiers, named by file suffix: .unit.spec.ts beside the code; .int.spec.ts, .e2e.spec.ts,
 * .browser.spec.ts (a real Chromium through playwright-core, test/support/browser.ts) and
 * .chaos.spec.ts (faults and attacks on a three-broker cluster, `npm run chaos`) in test/.
 */
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const base = { moduleNameMapper, transform: { '^.+\\.ts$': swc }, testEnvironment: 'node' };
const servers = {
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.unit.spec.ts'] },
    {
      ...base,
      ...servers,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int.spec.ts'],
    },
    { ...base, ...servers, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.spec.ts'] },
    {
      ...base,
      ...servers,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser.spec.ts'],
    },
    {
      ...base,
      globalSetup: '<rootDir>/test/chaos/support/chaos-global-setup.ts',
      globalTeardown: '<rootDir>/test/chaos/support/chaos-global-teardown.ts',
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos.spec.ts'],
    },
  ],
};
