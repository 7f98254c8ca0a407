/** One runner, three kinds of test (style.md): unit (pure), workflows (mocked activities), integration (real stack). */
const transform = { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest'] };
/** jose ships ES modules only (Node's require() loads them; Jest's module loader does not): compiled like our own code. */
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];
const needsStack = {
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { displayName: 'unit', transform, transformIgnorePatterns, testEnvironment: 'node', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { displayName: 'workflows', ...needsStack, testMatch: ['<rootDir>/test/workflows/**/*.test.ts'] },
    { displayName: 'integration', ...needsStack, testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
