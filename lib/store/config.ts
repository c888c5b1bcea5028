// Which store to open, read from the environment: PostgreSQL when DATABASE_URL is set, else the embedded one.
import path from 'node:path';
import { StoreConfigError } from './types';

export const DEFAULT_STORE_DIR = '.data/cds-store';
const MIN_SECRET_LENGTH = 32;

export type StoreConfig =
  | { readonly kind: 'embedded'; readonly dir: string; readonly secret?: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly secret: string; readonly poolMax: number };

export function readStoreConfig(env: Record<string, string | undefined> = process.env): StoreConfig {
  const secret = env.CDS_STORE_SECRET?.trim() || undefined;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new StoreConfigError(`CDS_STORE_SECRET is too short: use at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`)`);
  }
  const url = env.DATABASE_URL?.trim();
  if (url) {
    // The URL may hold a password: never repeat it in a message.
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new StoreConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
    if (!secret) {
      throw new StoreConfigError(
        'CDS_STORE_SECRET is required with DATABASE_URL: every instance must hash patient ids with the same secret (at least 32 characters, e.g. `openssl rand -base64 32`)',
      );
    }
    const poolMax = Number(env.CDS_STORE_POOL_MAX);
    return { kind: 'postgres', url, secret, poolMax: Number.isInteger(poolMax) && poolMax > 0 ? poolMax : 10 };
  }
  const dir = path.resolve(env.CDS_STORE_DIR?.trim() || DEFAULT_STORE_DIR);
  return secret ? { kind: 'embedded', dir, secret } : { kind: 'embedded', dir };
}
