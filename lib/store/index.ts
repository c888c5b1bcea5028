// Entry point: `openStore()` gives this process's one store, chosen from the environment (see config.ts).
import { readStoreConfig, type StoreConfig } from './config';
import type { CdsStore } from './types';

export * from './types';
export { readStoreConfig, DEFAULT_STORE_DIR, type StoreConfig } from './config';
export { patientKey } from './sqlStore';

/** Opens a new store (not shared): tests and scripts; the service uses openStore. */
export async function createStore(config: StoreConfig): Promise<CdsStore> {
  if (config.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres');
    return openPostgresStore(config.url, config.secret, config.poolMax);
  }
  const { openEmbeddedStore } = await import('./embedded');
  return openEmbeddedStore(config.dir, config.secret);
}

// Kept on globalThis so a module reloaded by the dev server does not open the folder a second time.
const SLOT = Symbol.for('leg-cramp-factors.cds-store');
type Slot = { [SLOT]?: Promise<CdsStore> };

/** The process's store, opened on first use. A failed open is not cached: the next call tries again. */
export function openStore(env: Record<string, string | undefined> = process.env): Promise<CdsStore> {
  const holder = globalThis as Slot;
  const existing = holder[SLOT];
  if (existing) return existing;
  const opening = (async () => createStore(readStoreConfig(env)))();
  holder[SLOT] = opening;
  opening.catch(() => {
    if (holder[SLOT] === opening) delete holder[SLOT];
  });
  return opening;
}

/** Closes the process's store (shutdown, tests); the next openStore opens it again. */
export async function closeStore(): Promise<void> {
  const holder = globalThis as Slot;
  const existing = holder[SLOT];
  delete holder[SLOT];
  if (existing) await (await existing.catch(() => null))?.close();
}
