// Load test of the CDS Hooks service (a bench, not a timed test). For each store (embedded PGlite in a fresh
// folder, then PostgreSQL) it starts the production server (`npm start`: .next/app-server.js) on loopback with a
// trusted issuer, and drives with autocannon, at BENCH_CONNECTIONS connections:
//   - GET /cds-services (discovery: no JWT, no store, no rules: the floor of what the server can do),
//   - patient-view for a realistic record WITH a documented leg-cramp complaint, so cards are produced (and
//     remembered in the store),
//   - order-select with two draft orders, quinine and furosemide (a warning and an info card),
//   - the floor: the same patient-view request sent to scripts/bench-floor-server.ts, which only checks the JWT
//     (replay id in the same store), reads and parses the body and sends back the real service's answer: what any
//     hook call costs on this machine before a rule runs,
// each hook request with its own freshly signed ES384 JWT (every jti is used once, so each request also writes
// a replay id). Tokens are signed before each run, so the client's signing cost is not counted against the
// server on this shared machine. Every run is bounded by BENCH_REQUESTS and BENCH_SECONDS.
//
//   npm run bench:cds                 (builds first; `npx tsx scripts/bench-cds.ts` reuses the build)
//   BENCH_PORT=3210 BENCH_REQUESTS=4000 BENCH_SECONDS=30 BENCH_CONNECTIONS=10 BENCH_WARMUP=300
//   BENCH_STORES=embedded,postgres    which stores to measure
//   BENCH_ENDPOINTS=patient-view      only these rows (discovery, patient-view, order-select, floor)
//   DATABASE_URL=postgres://...       PostgreSQL to use (a scratch database: the bench writes to it), with
//                                     CDS_STORE_SECRET when that database already has one; without DATABASE_URL a
//                                     throwaway cluster is started with scripts/test-postgres.sh
//   BENCH_CPU_PROF=DIR                the server writes a V8 CPU profile per store to DIR (open in Chrome DevTools)
//   BENCH_NODE_FLAGS="--max-semi-space-size=32"   extra Node flags for the server process
//   BENCH_SERVER_NODE=/path/to/node   run the server on another Node than the client (autocannon runs on this one)
//   BENCH_SERVER=next-start           measure `next start` instead (the CDS endpoints through Next's rewrite, proxy
//                                     and API route), for comparison with the production server
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { prefetchFromResources } from '../lib/cds/prefetch';
import { benchPatient } from './benchPatient';

interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  average: number;
  max: number;
}
interface Result {
  requests: Histogram & { total: number };
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  start: Date;
  finish: Date;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;

const ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.BENCH_PORT ?? 3210);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const ISSUER = 'https://bench-ehr.example.org';
const KID = 'bench-1';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const STORES = (process.env.BENCH_STORES ?? 'embedded,postgres').split(/[\s,]+/).filter(Boolean);
const ONLY = (process.env.BENCH_ENDPOINTS ?? '').split(/[\s,]+/).filter(Boolean);
const BENCH_SECRET = 'bench-cds-store-secret-0123456789-abcdef';
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const autocannon = createRequire(__filename)('autocannon') as Autocannon;
const SERVER = process.env.BENCH_SERVER === 'next-start' ? 'next-start' : 'app-server';
/** The Node that runs the server (default: the one running this script, which also runs autocannon). */
const SERVER_NODE = process.env.BENCH_SERVER_NODE?.trim() || process.execPath;
const serverNodeVersion = (): string => spawnSync(SERVER_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();

function draft(patientId: string, id: string, code: string | undefined, name: string): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest', id, status: 'draft', intent: 'order', subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: code ? { coding: [{ system: RX, code, display: name }], text: name } : { text: name },
  };
}

interface Endpoint {
  readonly name: string;
  readonly serviceId?: string;
  readonly body?: string;
  /** Sent to the floor server (scripts/bench-floor-server.ts) instead of the app. */
  readonly floor?: boolean;
}

function endpoints(): { list: Endpoint[]; label: string } {
  const record = benchPatient(new Date());
  const patient = { ...record, label: `${record.resources.length} resources, complaint documented` };
  const patientView = JSON.stringify({
    hook: 'patient-view',
    hookInstance: crypto.randomUUID(),
    context: { userId: 'Practitioner/bench', patientId: patient.id },
    prefetch: prefetchFromResources(patient.resources),
  });
  const orderSelect = JSON.stringify({
    hook: 'order-select',
    hookInstance: crypto.randomUUID(),
    context: {
      userId: 'Practitioner/bench',
      patientId: patient.id,
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          { resource: draft(patient.id, 'draft-quinine', undefined, 'Quinine sulfate 324 mg capsule at bedtime') },
          { resource: draft(patient.id, 'draft-furosemide', '313988', 'Furosemide 40 MG Oral Tablet') },
        ],
      },
    },
    prefetch: prefetchFromResources(patient.resources, ['patient', 'conditions']),
  });
  return {
    label: `patient-view: ${patient.label}, prefetch complete, ${(patientView.length / 1024).toFixed(1)} kB body; order-select: draft quinine + draft furosemide, ${(orderSelect.length / 1024).toFixed(1)} kB body`,
    list: [
      { name: 'discovery (GET /cds-services)' },
      { name: 'patient-view', serviceId: 'leg-cramp-factors', body: patientView },
      { name: 'order-select', serviceId: 'leg-cramp-order-select', body: orderSelect },
      { name: 'floor (patient-view request: JWT, replay id, JSON parse; fixed answer)', serviceId: 'leg-cramp-factors', body: patientView, floor: true },
    ],
  };
}

// ---- Servers -----------------------------------------------------------------------------------------------
interface Server {
  readonly child: ChildProcess;
  readonly output: string[];
  stop(): Promise<void>;
}

function startServer(env: Record<string, string>, jwk: Record<string, unknown>, profileDir?: string, script?: string): Server {
  const base: Record<string, string> = {};
  // Nothing from the caller's environment may pick another store, issuer or the demo EHR.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(CDS_|SANDBOX_|DATABASE_URL$|PORT$|NODE_OPTIONS$)/.test(k)) base[k] = v;
  // Node runs Next's CLI itself, so the profiling flags (not allowed in NODE_OPTIONS) reach the server process.
  const nodeFlags = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)];
  const entry = script ? [script] : SERVER === 'next-start' ? [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start'] : [path.join(ROOT, '.next/app-server.js')];
  const child = spawn(SERVER_NODE, [...nodeFlags, ...entry, '--port', String(PORT), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: {
      ...base,
      NODE_ENV: 'production',
      CDS_PUBLIC_BASE_URL: ORIGIN,
      CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(d.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until the server answers and its store is open (readiness). */
async function waitForServer(server: Server): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.child.exitCode !== null) break;
    try {
      await fetch(`${ORIGIN}/cds-services`);
      const ready = (await (await fetch(`${ORIGIN}/api/health?ready`)).json()) as { checks?: Record<string, string> };
      if (ready.checks?.store === 'ok') return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not get ready:\n${server.output.join('').slice(-2000)}`);
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** PostgreSQL for the bench: DATABASE_URL, else a throwaway cluster (undefined with a reason when none starts). */
function postgres(): { url: string; secret: string; stop: () => void; label: string } | { skipped: string } {
  const given = process.env.DATABASE_URL?.trim();
  if (given) return { url: given, secret: process.env.CDS_STORE_SECRET?.trim() || BENCH_SECRET, stop: () => {}, label: 'PostgreSQL (DATABASE_URL)' };
  const dir = tempDir('bench-cds-pg-');
  const script = path.join(ROOT, 'scripts/test-postgres.sh');
  const started = spawnSync('bash', [script, 'start', path.join(dir, 'pg')], { encoding: 'utf8', timeout: 60_000 });
  if (started.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: (started.stderr || '').trim().split('\n').pop() || `scripts/test-postgres.sh exited ${started.status}` };
  }
  const version = spawnSync('psql', [started.stdout.trim(), '-Atc', 'SHOW server_version'], { encoding: 'utf8' }).stdout?.trim().split(' ')[0];
  return {
    url: started.stdout.trim(),
    secret: BENCH_SECRET,
    label: `PostgreSQL ${version || ''} (throwaway, Unix socket)`.replace('  ', ' '),
    stop: () => {
      spawnSync('bash', [script, 'stop', path.join(dir, 'pg')], { timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- Load ----------------------------------------------------------------------------------------------------
type Signer = (audience: string) => Promise<string>;

/**
 * Runs one row; `clientMs` is this process's CPU time while autocannon ran (not while tokens were signed), and
 * `wallMs` the time from the first request sent to the last answer received (autocannon only notices that it is
 * done on its once-a-second tick, so its own start and finish would read 4,000 requests in 7.1 s as 500/s).
 */
async function load(endpoint: Endpoint, sign: Signer, amount: number, seconds: number): Promise<Result & { clientMs: number; wallMs: number }> {
  const url = `${ORIGIN}/cds-services${endpoint.serviceId ? `/${endpoint.serviceId}` : ''}`;
  // One token per request, signed beforehand; a few spare for requests autocannon starts as the run ends.
  const tokens: string[] = [];
  if (endpoint.body) for (let i = 0; i < amount + CONNECTIONS * 2; i++) tokens.push(await sign(url));
  let next = 0;
  let firstSent = 0;
  let lastAnswered = 0;
  const before = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    maxOverallRequests: amount,
    ...(endpoint.body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: endpoint.body } : {}),
    requests: [
      {
        setupRequest: (req: { headers?: Record<string, string> }) => {
          firstSent ||= performance.now();
          return endpoint.body ? { ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++] ?? ''}` } } : req;
        },
        onResponse: () => {
          lastAnswered = performance.now();
        },
      },
    ],
  });
  const used = process.cpuUsage(before);
  return { ...result, clientMs: (used.user + used.system) / 1000, wallMs: lastAnswered - firstSent };
}

/** One checked call: the answer must be 200; gives its card count and the answer's text. */
async function probe(endpoint: Endpoint, sign: Signer): Promise<{ summary: string; text: string }> {
  const url = `${ORIGIN}/cds-services${endpoint.serviceId ? `/${endpoint.serviceId}` : ''}`;
  const res = endpoint.body
    ? await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await sign(url)}` }, body: endpoint.body })
    : await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${endpoint.name} answered ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { cards?: { indicator: string }[]; services?: unknown[] };
  const summary = body.cards ? `${body.cards.length} cards (${body.cards.map((c) => c.indicator).join(', ')})` : `${body.services?.length ?? 0} services`;
  return { summary, text };
}

/** The floor server, bundled like the app server (our code compiled in, packages from node_modules). */
async function buildFloorServer(): Promise<string> {
  const { build } = (await import('esbuild')) as typeof import('esbuild');
  // Beside the app server, so that its packages resolve from this project's node_modules.
  const outfile = path.join(ROOT, '.next', 'bench-floor-server.js');
  await build({
    entryPoints: [path.join(ROOT, 'scripts/bench-floor-server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

/** CPU time (user + system, ms) the process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || !existsSync(path.join(ROOT, '.next', 'app-server.js'))) {
    throw new Error('no production build: run `npm run build` first (npm run bench:cds does)');
  }
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'ES384' };
  const sign: Signer = (audience) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: KID, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(crypto.randomUUID())
      .sign(privateKey);
  const { list, label } = endpoints();
  const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const rows: string[] = [];
  let floorScript: string | undefined;
  const notes: string[] = [];
  const [loadBefore = 0] = os.loadavg();
  for (const kind of STORES) {
    let env: Record<string, string>;
    let storeLabel: string;
    let cleanup = () => {};
    if (kind === 'embedded') {
      const dir = tempDir('bench-cds-store-');
      env = { CDS_STORE_DIR: path.join(dir, 'store') };
      storeLabel = 'embedded (PGlite, fresh folder)';
      cleanup = () => rmSync(dir, { recursive: true, force: true });
    } else if (kind === 'postgres') {
      const pg = postgres();
      if ('skipped' in pg) {
        notes.push(`PostgreSQL skipped: ${pg.skipped}`);
        continue;
      }
      env = { DATABASE_URL: pg.url, CDS_STORE_SECRET: pg.secret };
      storeLabel = pg.label;
      cleanup = pg.stop;
    } else {
      throw new Error(`unknown store "${kind}" in BENCH_STORES (embedded, postgres)`);
    }
    const selected = list.filter((e) => ONLY.length === 0 || ONLY.some((o) => e.name.startsWith(o)));
    const measure = async (endpoint: Endpoint, server: Server) => {
      if (WARMUP > 0) await load(endpoint, sign, WARMUP, 15);
      const cpuBefore = cpuMs(server.child.pid);
      const r = await load(endpoint, sign, REQUESTS, SECONDS);
      const cpuAfter = cpuMs(server.child.pid);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0 ? ((cpuAfter - cpuBefore) / r.requests.total).toFixed(2) : '—';
      const clientCpu = r.requests.total > 0 ? (r.clientMs / r.requests.total).toFixed(2) : '—';
      const rps = r.requests.total / (r.wallMs / 1000);
      rows.push(
        `| ${storeLabel} | ${endpoint.name} | ${fmt(r.requests.total)} | ${fmt(rps)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${r.latency.max} | ${cpu} | ${clientCpu} | ${r.non2xx} | ${r.errors + r.timeouts} |`,
      );
    };
    let floorAnswer: string | undefined;
    try {
      const server = startServer(env, jwk, profileDir);
      try {
        await waitForServer(server);
        for (const endpoint of selected) {
          if (endpoint.floor) {
            // The floor answers what the service answered to the same request.
            floorAnswer = (await probe({ ...endpoint, floor: false }, sign)).text;
            continue;
          }
          notes.push(`${storeLabel}, ${endpoint.name}: ${(await probe(endpoint, sign)).summary}`);
          await measure(endpoint, server);
        }
      } finally {
        await server.stop();
      }
      const floor = selected.find((e) => e.floor);
      if (floor && floorAnswer !== undefined) {
        const answerDir = tempDir('bench-cds-floor-');
        try {
          writeFileSync(path.join(answerDir, 'answer.json'), floorAnswer);
          floorScript ??= await buildFloorServer();
          // Same store (the embedded folder is free again now that the app server has stopped) and configuration.
          const floorServer = startServer({ ...env, BENCH_FLOOR_ANSWER: path.join(answerDir, 'answer.json') }, jwk, undefined, floorScript);
          try {
            await waitForServer(floorServer);
            await probe(floor, sign);
            // The floor must refuse what the service refuses, or it would measure less than the service's work.
            const unsigned = await fetch(`${ORIGIN}/cds-services/${floor.serviceId}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: floor.body });
            if (unsigned.status !== 401) throw new Error(`the floor server answered ${unsigned.status} to a request without a JWT`);
            await measure(floor, floorServer);
          } finally {
            await floorServer.stop();
          }
        } finally {
          rmSync(answerDir, { recursive: true, force: true });
        }
      }
    } finally {
      cleanup();
    }
  }
  const [loadAfter = 0] = os.loadavg();
  console.log(`CDS Hooks service benchmark (${SERVER === 'next-start' ? '`next start`' : 'production server, .next/app-server.js'}): ${CONNECTIONS} connections on loopback, at most ${fmt(REQUESTS)} requests or ${SECONDS} s per row after ${WARMUP} warm-up requests, a new ES384 JWT per hook request`);
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, server on Node ${serverNodeVersion()}, client (autocannon) on Node ${process.version}, load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
  console.log(`Requests: ${label}`);
  console.log('');
  console.log('| store | endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/req | client CPU ms/req | non-2xx | errors |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
  if (rows.some((r) => r.includes('| floor'))) {
    console.log('- floor: the patient-view request sent to scripts/bench-floor-server.ts, which runs only the security headers, the JWT check with its replay id in the same store, and JSON.parse of the body, then sends the bytes the service answered: what any hook call costs on this machine before a rule runs. The patient-view row minus this one is the cost of our rules, cards and card memory.');
  }
  console.log('- server CPU ms/req: CPU time (user + system) of the server process during the row, per request, all its threads (JWT signature checks run on libuv\'s thread pool); client CPU ms/req: the same for this process (autocannon), which shares the machine\'s cores with the server.');
  if (profileDir) console.log(`- CPU profiles of the server: ${profileDir}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
