// Starts the built app with the demo EHR switched on, on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const PORT = Number(process.env.E2E_PORT ?? 3123);
export const ORIGIN = `http://localhost:${PORT}`;
export const SERVER_LOG = path.join(ROOT, 'test-results', 'e2e-server.log');

export function build(): void {
  if (process.env.E2E_SKIP_BUILD === '1' && existsSync(path.join(ROOT, '.next', 'BUILD_ID')) && existsSync(APP_SERVER)) return;
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/** The production server as `npm start` runs it (Next.js plus the CDS Hooks fast path). */
export const APP_SERVER = path.join(ROOT, '.next', 'app-server.js');

/** Spawns the built production server on a loopback port (what `npm start` runs). */
export function spawnApp(port: number, options: Parameters<typeof spawn>[2]): ChildProcess {
  return spawn(process.execPath, [APP_SERVER, '--port', String(port), '--hostname', '127.0.0.1'], { cwd: ROOT, ...options });
}

export async function start(logs: string[]): Promise<ChildProcess> {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'leg-cramp-e2e-store-'));
  const child = spawnApp(PORT, {
    // A fresh CDS store per run, so one run's snoozes and feedback are not seen by the next.
    env: { ...process.env, SANDBOX_ENABLED: 'true', SANDBOX_ORIGIN: ORIGIN, NODE_ENV: 'production', CDS_STORE_DIR: storeDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('exit', () => rmSync(storeDir, { recursive: true, force: true }));
  // Everything the server prints also goes to a file, so the log-hygiene test can read it.
  mkdirSync(path.dirname(SERVER_LOG), { recursive: true });
  const file = createWriteStream(SERVER_LOG, { flags: 'w' });
  child.stdout?.on('data', (d: Buffer) => {
    logs.push(d.toString());
    file.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    logs.push(d.toString());
    file.write(d);
  });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${ORIGIN}/api/sandbox/fhir/metadata`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`server did not start: ${logs.join('')}`);
}
