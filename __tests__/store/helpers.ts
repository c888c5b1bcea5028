// Helpers for the store tests: a child-process store, a throwaway PostgreSQL, and a table scanner.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { SqlRunner } from '../../lib/store/sql';

export const ROOT = path.resolve(__dirname, '../..');

export interface Worker {
  readonly pid: number;
  call<T = unknown>(command: Record<string, unknown>): Promise<T>;
  /** Waits for the process to end and gives its exit code. */
  exited: Promise<number | null>;
  kill(): void;
}

/** Starts lib/store in a separate Node process (through tsx) with this environment. */
export async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/storeWorker.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const buffered: string[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else buffered.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const early = buffered.shift();
      if (early !== undefined) return resolve(early);
      waiting.push(resolve);
      void exited.then((code) => reject(new Error(`store worker exited (${code}) before answering`)));
    });
  const hello = JSON.parse(await nextLine()) as { ready: boolean; pid?: number; error?: string };
  if (!hello.ready || !hello.pid) throw new Error(`store worker failed to open the store: ${hello.error}`);
  const pid = hello.pid;
  let queue = Promise.resolve<unknown>(null);
  return {
    pid,
    exited,
    kill: () => child.kill('SIGKILL'),
    call<T>(command: Record<string, unknown>): Promise<T> {
      const answer = queue.then(async () => {
        child.stdin!.write(`${JSON.stringify(command)}\n`);
        const reply = JSON.parse(await nextLine()) as { ok: boolean; result?: T; error?: string };
        if (command.op === 'close') child.stdin!.end();
        if (!reply.ok) throw new Error(reply.error);
        return reply.result as T;
      });
      queue = answer.catch(() => null);
      return answer;
    },
  };
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export type TestPostgres = { url: string; stop: () => void } | { skipped: string };

/**
 * A PostgreSQL for the tests: CDS_TEST_DATABASE_URL when set (CI starts one), else a throwaway cluster started
 * with scripts/test-postgres.sh. When neither is possible the tests are skipped, unless
 * CDS_TEST_REQUIRE_POSTGRES=1 (CI), where that is a failure.
 */
export function startTestPostgres(): TestPostgres {
  const given = process.env.CDS_TEST_DATABASE_URL?.trim();
  if (given) return { url: given, stop: () => {} };
  const dir = tempDir('cds-pg-');
  const started = spawnSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'start', path.join(dir, 'pg')], { encoding: 'utf8', timeout: 60_000 });
  if (started.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    const why = `no PostgreSQL for the store tests (${(started.stderr || '').trim().split('\n').pop() || `exit ${started.status}`})`;
    if (process.env.CDS_TEST_REQUIRE_POSTGRES === '1') throw new Error(why);
    return { skipped: why };
  }
  return {
    url: started.stdout.trim(),
    stop: () => {
      spawnSync('bash', [path.join(ROOT, 'scripts/test-postgres.sh'), 'stop', path.join(dir, 'pg')], { timeout: 30_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Every text-like value in every table of the public schema, as (table, column, value) rows. */
export async function everyStoredValue(db: SqlRunner): Promise<{ table: string; column: string; value: string }[]> {
  const columns = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const out: { table: string; column: string; value: string }[] = [];
  for (const { table_name, column_name } of columns) {
    const rows = await db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
    for (const row of rows) if (row.v !== null) out.push({ table: table_name, column: column_name, value: row.v });
  }
  return out;
}
