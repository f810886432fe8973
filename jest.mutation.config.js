/**
 * Jest for mutation runs (npm run test:mutation): only the pure unit tests, transpiled without type
 * checks (Stryker's mutants are not always well typed), and no globalSetup — these tests need no
 * FerretDB, no Redis and no dist/ build, so each mutant is judged in milliseconds.
 */
/* global process */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config reads JSON
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test/unit'],
  // The unit tests of the rule modules scripts/mutation.ts mutates, named one by one: the run must
  // not depend on unrelated tests (other work in progress would stop every mutation run).
  // scripts/mutation.ts narrows them to the tests of the modules it runs (MUTATION_TESTS).
  testMatch: (
    process.env.MUTATION_TESTS?.split(',') ?? [
      'intake-boundaries',
      'tracking-code',
      'phone',
      'text-normalize',
      'money',
      'roles',
      'working-days',
      'report-metrics',
      'report-definitions',
      'combine',
    ]
  ).map((name) => `<rootDir>/test/unit/${name}.test.ts`),
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { ...compilerOptions, isolatedModules: true }, diagnostics: false },
    ],
  },
  testTimeout: 30000,
};
