// Jest through next/jest (SWC transforms, Next's module handling). Unit tests run in Node; UI tests
// opt into jsdom per file. fhirclient's package main is its Node entry, so map it to the browser one.
const nextJest = require('next/jest');

const createJestConfig = nextJest({ dir: './' });

module.exports = createJestConfig({
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts?(x)'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/'],
  moduleNameMapper: {
    '^fhirclient$': '<rootDir>/node_modules/fhirclient/lib/entry/browser.js',
  },
});
