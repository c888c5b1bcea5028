// Bench: operations per second of the CDS store's hot paths (rememberJti on every hook call, snoozedRules on
// every card decision, rememberCards for the cards a call returns, and the two writes of one patient-view call
// together), on the embedded store and on PostgreSQL, one at a time and 10 in flight. CPU ms per operation is this
// process's CPU time (process.cpuUsage): for the embedded store that includes PGlite, for PostgreSQL only the client.
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
  cpuMsPerOp: number;
  p50: number;
  p99: number;
}

async function measure(run: () => Promise<unknown>, ops: number, inFlight: number): Promise<Omit<Row, 'store' | 'op' | 'inFlight'>> {
  const times: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
  return { opsPerSec: Math.round((ops / elapsed) * 1000), cpuMsPerOp: (used.user + used.system) / 1000 / ops, p50: pct(50), p99: pct(99) };
}

async function benchStore(name: string, store: CdsStore, ops: number): Promise<Row[]> {
  const rows: Row[] = [];
  const until = new Date(Date.now() + 90 * 86_400_000);
  // A realistic table: 1,000 patients with 3 snoozed rules each.
  for (let p = 0; p < 1000; p++) {
    for (const ruleId of ['loop-diuretic', 'statin', 'hypokalemia']) await store.snooze({ ruleId, patientId: `bench-patient-${p}`, until });
  }
  const exp = () => new Date(Date.now() + 5 * 60_000);
  const cardsUntil = () => new Date(Date.now() + 30 * 86_400_000);
  let i = 0;
  // What one patient-view call with a complaint remembers: 7 cards (as many rules) for one patient.
  const sevenCards = () => {
    const patientId = `bench-patient-${i++ % 1000}`;
    return ['loop-diuretic', 'statin', 'hypokalemia', 'thiazide', 'salmeterol', 'spironolactone', 'weak-evidence'].map((ruleId) => ({
      uuid: randomUUID(),
      serviceId: 'leg-cramp-factors',
      ruleIds: [ruleId],
      patientId,
    }));
  };
  const operations: [string, () => Promise<unknown>][] = [
    ['rememberJti', () => store.rememberJti('https://ehr.example', randomUUID(), exp())],
    ['snoozedRules', () => store.snoozedRules(`bench-patient-${i++ % 1000}`)],
    ['rememberCards (7 cards)', () => store.rememberCards(sevenCards(), cardsUntil())],
    [
      'jti + 7 cards (a hook call)',
      async () => {
        await store.rememberJti('https://ehr.example', randomUUID(), exp());
        await store.rememberCards(sevenCards(), cardsUntil());
      },
    ],
  ];
  for (const inFlight of [1, 10]) {
    for (const [op, run] of operations) {
      // Warm up the path, then measure.
      await measure(run, 100, inFlight);
      rows.push({ store: name, op, inFlight, ...(await measure(run, ops, inFlight)) });
    }
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
  process.stdout.write(`| store | operation | in flight | ops/s | CPU ms/op | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|---:|\n`);
  for (const r of rows) {
    process.stdout.write(`| ${r.store} | ${r.op} | ${r.inFlight} | ${r.opsPerSec} | ${r.cpuMsPerOp.toFixed(3)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |\n`);
  }
  process.stdout.write(`\n${ops} operations each; ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; Node ${process.version}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:store: ${error.message}\n`);
  process.exitCode = 1;
});
