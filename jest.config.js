// Jest through next/jest (SWC transforms, Next's module handling). Unit tests run in Node; UI tests
// opt into jsdom per file. fhirclient's package main is its Node entry, so map it to the browser one.
// jose 6 ships ES modules only, which Jest on Node 20 cannot require: let SWC transform it.
// PGlite's CommonJS build loads Node modules with import(), which Jest's VM refuses without
// --experimental-vm-modules: map it to its ES build, which SWC transforms (import() becomes require()).
const nextJest = require('next/jest');

const createJestConfig = nextJest({ dir: './' });

const base = createJestConfig({
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts?(x)'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/'],
  moduleNameMapper: {
    '^fhirclient$': '<rootDir>/node_modules/fhirclient/lib/entry/browser.js',
    '^@electric-sql/pglite$': '<rootDir>/node_modules/@electric-sql/pglite/dist/index.js',
  },
});

module.exports = async () => {
  const config = await base();
  return {
    ...config,
    transformIgnorePatterns: ['/node_modules/(?!(jose|@electric-sql/pglite)/)', ...config.transformIgnorePatterns.filter((p) => !p.includes('node_modules'))],
  };
};
