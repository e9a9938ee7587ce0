/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Removes the temp folders each test file made (test/helpers/test-config.ts tmpDir).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/clean-tmp.ts'],
};

module.exports = {
  testTimeout: 30000,
  // Child-process and socket tests share two cores; two workers keep them from starving each other.
  maxWorkers: 2,
  projects: [
    // Pure logic and literal dependencies: no PostgreSQL, no build (`npm run test:unit`).
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/contract', '<rootDir>/test/integration', '<rootDir>/test/reliability', '<rootDir>/test/browser'],
      // Builds dist/ (the compiled entry points child-process tests run), then one real PostgreSQL server per run;
      // each suite makes its own database on it (test/helpers/postgres-database.ts).
      globalSetup: '<rootDir>/test/global-setup/integration-setup.ts',
      globalTeardown: '<rootDir>/test/global-setup/postgres-teardown.ts',
    },
  ],
};
