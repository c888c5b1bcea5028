// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) keeping its files in a folder, so feedback and
// snoozes survive a restart without a database server. One process at a time: a lock file says who holds it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SqlDatabase, SqlRunner } from './sql';
import { SqlStore } from './sqlStore';
import { StoreConfigError, StoreInUseError, type FeedbackReport } from './types';

const openDirs = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock file, replacing one left by a process that is gone. Returns its release. */
function lockFolder(dir: string): () => void {
  const lockPath = path.join(dir, 'lock');
  const inUse = (holder: string, pid?: number) =>
    new StoreInUseError(
      `the embedded CDS store in ${dir} is in use by ${holder}; it serves one process at a time (set DATABASE_URL to share a PostgreSQL between instances)`,
      dir,
      pid,
    );
  if (openDirs.has(dir)) throw inUse('this process', process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      openDirs.add(dir);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        openDirs.delete(dir);
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw inUse(`process ${holder}`, holder);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw inUse('another process');
}

/** The secret kept in the folder when CDS_STORE_SECRET is unset: created once, readable by the owner only. */
export function folderSecret(dir: string): string {
  const file = path.join(dir, 'secret');
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new StoreConfigError(`${file} does not hold a usable secret (delete it only if the store is empty)`);
  return secret;
}

/** The feedback report the process holding the folder keeps up to date, for `cds:feedback-report` to read. */
export const FEEDBACK_SNAPSHOT_FILE = 'feedback-report.json';

const reasonSchema = z.object({ system: z.string().nullable(), code: z.string(), count: z.number().int().nonnegative() });
const snapshotSchema = z.object({
  generatedAt: z.iso.datetime(),
  pid: z.number().int().positive(),
  rules: z.array(
    z.object({
      ruleId: z.string(),
      cardsSent: z.number().int().nonnegative(),
      accepted: z.number().int().nonnegative(),
      overridden: z.number().int().nonnegative(),
      reasons: z.array(reasonSchema),
    }),
  ),
  unattributed: z.object({ accepted: z.number().int().nonnegative(), overridden: z.number().int().nonnegative() }),
});
export type FeedbackSnapshot = z.infer<typeof snapshotSchema>;

/** Replaces the folder's snapshot in one rename, so a reader sees the old one or the new one, never half. */
function snapshotWriter(dir: string): (report: FeedbackReport) => Promise<void> {
  const file = path.join(dir, FEEDBACK_SNAPSHOT_FILE);
  return async (report) => {
    const snapshot: FeedbackSnapshot = { generatedAt: new Date().toISOString(), pid: process.pid, rules: report.rules, unattributed: report.unattributed };
    const temp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
    await fs.promises.rename(temp, file);
  };
}

/** The snapshot in the folder; null when there is none; StoreConfigError when it cannot be read as one. */
export function readFeedbackSnapshot(dir: string): FeedbackSnapshot | null {
  const file = path.join(dir, FEEDBACK_SNAPSHOT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreConfigError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: ReturnType<typeof snapshotSchema.safeParse>;
  try {
    parsed = snapshotSchema.safeParse(JSON.parse(text));
  } catch {
    throw new StoreConfigError(`${file} is not valid JSON`);
  }
  if (!parsed.success) throw new StoreConfigError(`${file} is not a feedback report snapshot`);
  return parsed.data;
}

/** PGlite on a folder (or in memory without one), behind the SqlDatabase interface the store's SQL runs on. */
export async function openPglite(dataDir?: string): Promise<{ db: SqlDatabase; pg: { close(): Promise<void> } }> {
  // PGlite ships ES modules (its CommonJS build imports Node modules dynamically too): load it on demand.
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = new PGlite(dataDir === undefined ? {} : { dataDir });
  await pg.waitReady;
  const runner = (q: { query: typeof pg.query }): SqlRunner => ({
    query: async <R>(sql: string, params?: readonly unknown[]) => (await q.query<R>(sql, params ? [...params] : undefined)).rows,
  });
  const db: SqlDatabase = {
    ...runner(pg),
    transaction: (fn) => pg.transaction((tx) => fn(runner(tx))),
    close: () => pg.close(),
  };
  return { db, pg };
}

export async function openEmbeddedStore(dir: string, secret?: string): Promise<SqlStore> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = lockFolder(dir);
  try {
    const key = secret ?? folderSecret(dir);
    const { db, pg } = await openPglite(path.join(dir, 'pgdata'));
    try {
      return await SqlStore.open('embedded', db, key, { exclusive: true, onClose: release, feedbackSnapshot: snapshotWriter(dir) });
    } catch (error) {
      await pg.close().catch(() => {});
      throw error;
    }
  } catch (error) {
    release();
    throw error;
  }
}
