// Refreshes the `expansion` of every ValueSet in cds-rules/valuesets from its `compose`, so the
// engine (which reads expansions only) sees exactly the concepts listed. Run after editing a
// compose: npm run valuesets:expand [-- --check]. With --check it changes nothing and exits 1
// when an expansion is out of date (the consistency test does the same check).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expandCompose, type ComposedValueSet } from '../lib/terminology/expand';

const dir = path.join(__dirname, '..', 'cds-rules', 'valuesets');
const check = process.argv.includes('--check');
const today = new Date().toISOString().slice(0, 10);
let stale = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const full = path.join(dir, file);
  const vs = JSON.parse(readFileSync(full, 'utf8')) as ComposedValueSet;
  const contains = expandCompose(vs);
  const same = JSON.stringify(contains) === JSON.stringify(vs.expansion?.contains ?? []);
  if (same) continue;
  stale++;
  if (check) {
    console.error(`${file}: expansion differs from compose`);
    continue;
  }
  vs.expansion = {
    identifier: `urn:uuid:${vs.id}-${today}`,
    timestamp: `${today}T00:00:00Z`,
    total: contains.length,
    contains,
  };
  writeFileSync(full, `${JSON.stringify(vs, null, 2)}\n`);
  console.log(`${file}: ${contains.length} concepts`);
}
if (check && stale > 0) process.exit(1);
console.log(stale === 0 ? 'all expansions are up to date' : `${check ? 'stale' : 'refreshed'}: ${stale}`);
