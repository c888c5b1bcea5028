// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) keeping its files in a folder, so feedback and
// snoozes survive a restart without a database server. One process at a time: a lock file says who holds it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlDatabase, SqlRunner } from './sql';
import { SqlStore } from './sqlStore';
import { StoreConfigError } from './types';

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
  const inUse = (holder: string) =>
    new StoreConfigError(
      `the embedded CDS store in ${dir} is in use by ${holder}; it serves one process at a time (set DATABASE_URL to share a PostgreSQL between instances)`,
    );
  if (openDirs.has(dir)) throw inUse('this process');
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
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw inUse(`process ${holder}`);
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

export async function openEmbeddedStore(dir: string, secret?: string): Promise<SqlStore> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = lockFolder(dir);
  try {
    const key = secret ?? folderSecret(dir);
    // PGlite ships ES modules (its CommonJS build imports Node modules dynamically too): load it on demand.
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite({ dataDir: path.join(dir, 'pgdata') });
    await pg.waitReady;
    const runner = (q: { query: typeof pg.query }): SqlRunner => ({
      query: async <R>(sql: string, params?: readonly unknown[]) => (await q.query<R>(sql, params ? [...params] : undefined)).rows,
    });
    const db: SqlDatabase = {
      ...runner(pg),
      transaction: (fn) => pg.transaction((tx) => fn(runner(tx))),
      close: () => pg.close(),
    };
    try {
      return await SqlStore.open('embedded', db, key, { exclusive: true, onClose: release });
    } catch (error) {
      await pg.close().catch(() => {});
      throw error;
    }
  } catch (error) {
    release();
    throw error;
  }
}
