// Bench: operations per second of the CDS store's hot paths (rememberJti on every hook call, snoozedRules on
// every card decision), on the embedded store and on PostgreSQL, one at a time and 10 in flight.
// PostgreSQL: DATABASE_URL (+ CDS_STORE_SECRET) when set, else a throwaway cluster from scripts/test-postgres.sh.
// Usage: npm run --silent bench:store [-- --ops 2000]
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStore, type CdsStore } from '../lib/store';

interface Row {
  store: string;
  op: string;
  inFlight: number;
  opsPerSec: number;
  p50: number;
  p99: number;
}

async function measure(run: () => Promise<unknown>, ops: number, inFlight: number): Promise<Omit<Row, 'store' | 'op' | 'inFlight'>> {
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < ops) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
  return { opsPerSec: Math.round((ops / elapsed) * 1000), p50: pct(50), p99: pct(99) };
}

async function benchStore(name: string, store: CdsStore, ops: number): Promise<Row[]> {
  const rows: Row[] = [];
  const until = new Date(Date.now() + 90 * 86_400_000);
  // A realistic table: 1,000 patients with 3 snoozed rules each.
  for (let p = 0; p < 1000; p++) {
    for (const ruleId of ['loop-diuretic', 'statin', 'hypokalemia']) await store.snooze({ ruleId, patientId: `bench-patient-${p}`, until });
  }
  const exp = () => new Date(Date.now() + 5 * 60_000);
  let i = 0;
  for (const inFlight of [1, 10]) {
    // Warm up the path, then measure.
    await measure(() => store.rememberJti('https://ehr.example', randomUUID(), exp()), 100, inFlight);
    rows.push({ store: name, op: 'rememberJti', inFlight, ...(await measure(() => store.rememberJti('https://ehr.example', randomUUID(), exp()), ops, inFlight)) });
    rows.push({ store: name, op: 'snoozedRules', inFlight, ...(await measure(() => store.snoozedRules(`bench-patient-${i++ % 1000}`), ops, inFlight)) });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { ops: { type: 'string', default: '2000' } }, strict: true });
  const ops = Math.max(100, Number(values.ops) || 2000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-bench-'));
  fs.chmodSync(tmp, 0o755);
  const secret = process.env.CDS_STORE_SECRET?.trim() || randomUUID() + randomUUID();
  const rows: Row[] = [];
  let stopPg: (() => void) | undefined;
  try {
    const embedded = await createStore({ kind: 'embedded', dir: path.join(tmp, 'embedded'), secret });
    try {
      rows.push(...(await benchStore('embedded (PGlite)', embedded, ops)));
    } finally {
      await embedded.close();
    }

    let url = process.env.DATABASE_URL?.trim();
    if (!url) {
      const script = path.join(__dirname, 'test-postgres.sh');
      const started = spawnSync('bash', [script, 'start', path.join(tmp, 'pg')], { encoding: 'utf8' });
      if (started.status === 0) {
        url = started.stdout.trim();
        stopPg = () => spawnSync('bash', [script, 'stop', path.join(tmp, 'pg')]);
      } else process.stderr.write(`PostgreSQL skipped: ${started.stderr.trim().split('\n').pop()}\n`);
    }
    if (url) {
      const pg = await createStore({ kind: 'postgres', url, secret, poolMax: 10 });
      try {
        rows.push(...(await benchStore('PostgreSQL', pg, ops)));
      } finally {
        await pg.close();
      }
    }
  } finally {
    stopPg?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`| store | operation | in flight | ops/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|\n`);
  for (const r of rows) process.stdout.write(`| ${r.store} | ${r.op} | ${r.inFlight} | ${r.opsPerSec} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |\n`);
  process.stdout.write(`\n${ops} operations each; ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; Node ${process.version}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:store: ${error.message}\n`);
  process.exitCode = 1;
});
