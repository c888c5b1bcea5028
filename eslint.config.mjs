// Lint: Next's core-web-vitals and TypeScript rules.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'test-results/**', 'next-env.d.ts'] },
  // CommonJS config files are loaded by Node and Next directly.
  { files: ['*.js', '__tests__/helpers/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
];

export default config;
