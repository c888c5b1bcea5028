// Jest through next/jest (SWC transforms, Next's module handling). Unit tests run in Node; UI tests
// opt into jsdom per file. fhirclient's package main is its Node entry, so map it to the browser one.
// jose 6 ships ES modules only, which Jest on Node 20 cannot require: let SWC transform it.
const nextJest = require('next/jest');

const createJestConfig = nextJest({ dir: './' });

const base = createJestConfig({
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts?(x)'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/'],
  moduleNameMapper: {
    '^fhirclient$': '<rootDir>/node_modules/fhirclient/lib/entry/browser.js',
  },
});

module.exports = async () => {
  const config = await base();
  return {
    ...config,
    transformIgnorePatterns: ['/node_modules/(?!jose/)', ...config.transformIgnorePatterns.filter((p) => !p.includes('node_modules'))],
  };
};
