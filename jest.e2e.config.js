// End-to-end tests: build and start the app with the demo EHR, then drive Debian's Chromium.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/e2e/**/*.e2e.ts'],
  transform: { '^.+\\.tsx?$': ['next/dist/build/swc/jest-transformer', {}] },
  globalSetup: '<rootDir>/__tests__/e2e/globalSetup.ts',
  globalTeardown: '<rootDir>/__tests__/e2e/globalTeardown.ts',
  testTimeout: 60_000,
};
