/**
 * The chaos suite (test/chaos, design.md §8): scenarios that break Temporal, Postgres, vendors and
 * the worker under load, then check the invariants. Run by `npm run test:chaos -- --profile short|full`;
 * the same global setup as the integration tests (a Temporal dev server, the migrated test database).
 */
// As jest.config.js: jose (the codec's OIDC check, loaded with the API) ships ES modules only.
const transform = { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest'] };
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];

module.exports = {
  testTimeout: 600_000,
  projects: [
    {
      displayName: 'chaos',
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos.test.ts'],
    },
  ],
};
