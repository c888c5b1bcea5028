// Prints the First Load JS of each page from .next/build-manifest.json (gzipped), since Next 16's
// build no longer prints it: the page's files plus /_app's plus rootMainFiles, each counted once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface Manifest {
  pages: Record<string, string[]>;
  rootMainFiles?: string[];
  polyfillFiles?: string[];
}

export function firstLoadKb(dir: string, page: string): number {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'build-manifest.json'), 'utf8')) as Manifest;
  const files = new Set([...(manifest.rootMainFiles ?? []), ...(manifest.pages['/_app'] ?? []), ...(manifest.pages[page] ?? [])]);
  let bytes = 0;
  for (const file of files) if (file.endsWith('.js')) bytes += gzipSync(readFileSync(path.join(dir, file))).length;
  return bytes / 1000;
}

if (require.main === module) {
  const dir = path.join(process.cwd(), '.next');
  for (const page of ['/', '/launch']) console.log(`${page.padEnd(10)} First Load JS ${firstLoadKb(dir, page).toFixed(1)} kB (gzip)`);
}
