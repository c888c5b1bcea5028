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
  // Each worker gets its own embedded CDS store folder (one process may hold a folder at a time).
  setupFiles: ['<rootDir>/__tests__/helpers/storeDir.js'],
  // ...and a test file that opened the process's store (through the API route) closes it, so the
  // next file in the same worker can open the folder again and the worker can exit.
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/closeStore.ts'],
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
