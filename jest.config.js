/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  // Removes the temp folders each test file made (test/helpers/test-config.ts tmpDir).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/clean-tmp.ts'],
  // Child-process and socket tests share two cores; two workers keep them from starving each other.
  maxWorkers: 2,
  // One real PostgreSQL server per run; each suite makes its own database on it (test/helpers/postgres-database.ts).
  globalSetup: '<rootDir>/test/global-setup/postgres-setup.ts',
  globalTeardown: '<rootDir>/test/global-setup/postgres-teardown.ts',
};
