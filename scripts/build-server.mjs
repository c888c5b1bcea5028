// Bundles the production server (lib/server/start.ts) into .next/app-server.js after `next build`: our code is
// compiled in, packages stay in node_modules. NODE_ENV defaults to production before Next.js is loaded.
import { build } from 'esbuild';

await build({
  entryPoints: ['lib/server/start.ts'],
  outfile: '.next/app-server.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "process.env.NODE_ENV = process.env.NODE_ENV || 'production';" },
});
