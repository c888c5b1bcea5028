// Readiness for load balancers: the configuration parses, and every registered dependency check
// (for example the CDS store, registered by the code that opens it) answers in time.
import { readCdsConfig } from '../cds/config';

export type ReadinessCheck = () => Promise<void>;

const holder = globalThis as unknown as { __legCrampReadiness?: Map<string, ReadinessCheck> };
const checks = (): Map<string, ReadinessCheck> => (holder.__legCrampReadiness ??= new Map());

/** Registers (or replaces) a named check; it should reject when the dependency is not usable. */
export function registerReadinessCheck(name: string, check: ReadinessCheck): void {
  checks().set(name, check);
}

export function unregisterReadinessCheck(name: string): void {
  checks().delete(name);
}

export interface Readiness {
  readonly ready: boolean;
  /** Check name -> "ok" or "failed" (no error text: it could name hosts or data). */
  readonly checks: Record<string, 'ok' | 'failed'>;
}

export async function readiness(env: Record<string, string | undefined> = process.env, timeoutMs = 2000): Promise<Readiness> {
  const out: Record<string, 'ok' | 'failed'> = {};
  try {
    const cfg = readCdsConfig(env);
    out.config = cfg.jwtRequired && !cfg.publicBaseUrl ? 'failed' : 'ok';
  } catch {
    out.config = 'failed';
  }
  await Promise.all(
    [...checks()].map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
        out[name] = 'ok';
      } catch {
        out[name] = 'failed';
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: Object.values(out).every((v) => v === 'ok'), checks: out };
}
