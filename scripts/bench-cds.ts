// Load test of the CDS Hooks service (not a timed test): starts the production build on loopback
// with a trusted issuer, then drives POST /cds-services/leg-cramp-factors with autocannon using a
// realistic, prefetch-complete request, each with its own freshly signed ES384 JWT (jti is single
// use). Prints requests per second and latency percentiles. Run: npm run bench:cds
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { prefetchTemplates } from '../lib/cds/service';
import { demoPatients } from '../lib/sandbox/demoPatients';

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
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;

const ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.BENCH_PORT ?? 3210);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const SERVICE = `${ORIGIN}/cds-services/leg-cramp-factors`;
const ISSUER = 'https://bench-ehr.example.org';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SANDBOX_BUNDLE = path.resolve(ROOT, '../shared/reference/sandbox-patients/948e608d-e408-4788-8cf2-8157c49c2940.json');

function patientResources(): { id: string; label: string; resources: fhir4.FhirResource[] } {
  if (existsSync(SANDBOX_BUNDLE)) {
    const bundle = JSON.parse(readFileSync(SANDBOX_BUNDLE, 'utf8')) as fhir4.Bundle;
    return {
      id: '948e608d-e408-4788-8cf2-8157c49c2940',
      label: 'SMART sandbox patient Dirk Kuhlman (Synthea; 64 resources)',
      resources: (bundle.entry ?? []).map((e) => e.resource as fhir4.FhirResource),
    };
  }
  const demo = demoPatients.find((p) => p.id === 'demo-hypoglycemia');
  return { id: 'demo-hypoglycemia', label: 'demo patient demo-hypoglycemia', resources: demo?.resources(new Date()) ?? [] };
}

/** The prefetch an EHR would send: each template's search answered from the patient's resources. */
function prefetchFor(resources: fhir4.FhirResource[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(prefetchTemplates())) {
    if (key === 'patient') {
      out.patient = resources.find((r) => r.resourceType === 'Patient');
      continue;
    }
    const [type, query = ''] = template.split('?');
    const codes = new URLSearchParams(query).get('code')?.split(',').map((c) => c.split('|')[1]);
    const matches = resources.filter(
      (r) => r.resourceType === type && (!codes || (r as fhir4.Observation).code.coding?.some((c) => codes.includes(c.code ?? ''))),
    );
    out[key] = { resourceType: 'Bundle', type: 'searchset', entry: matches.map((resource) => ({ resource, search: { mode: 'match' } })) };
  }
  return out;
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${ORIGIN}/cds-services`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not start');
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no production build: run next build first (npm run bench:cds does)');
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES384' };
  const server = spawn(path.join(ROOT, 'node_modules/.bin/next'), ['start', '--port', String(PORT), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } }) },
    stdio: 'ignore',
  });
  try {
    await waitForServer();
    const patient = patientResources();
    const body = JSON.stringify({
      hook: 'patient-view',
      hookInstance: 'bench',
      context: { userId: 'Practitioner/bench', patientId: patient.id },
      prefetch: prefetchFor(patient.resources),
    });
    const sign = () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES384', kid: 'bench-1', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(SERVICE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    const warm = await fetch(SERVICE, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await sign()}` }, body });
    const warmBody = (await warm.json()) as { cards?: { summary: string }[] };
    if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
    const tokens: string[] = [];
    for (let i = 0; i < REQUESTS + CONNECTIONS * 2; i++) tokens.push(await sign());
    let next = 0;
    const autocannon = createRequire(__filename)('autocannon') as Autocannon;
    const result = await autocannon({
      url: SERVICE,
      method: 'POST',
      connections: CONNECTIONS,
      amount: REQUESTS,
      headers: { 'content-type': 'application/json' },
      body,
      requests: [
        {
          setupRequest: (req: { headers: Record<string, string> }) => ({
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
          }),
        },
      ],
    });
    const rps = result.requests.total / result.duration;
    console.log(`CDS Hooks patient-view benchmark (${patient.label}, prefetch complete, ${(body.length / 1024).toFixed(1)} kB body, ${warmBody.cards?.length ?? 0} cards)`);
    console.log(`| requests | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors |`);
    console.log(`|---|---|---|---|---|---|---|---|---|`);
    console.log(
      `| ${result.requests.total} | ${CONNECTIONS} | ${rps.toFixed(0)} | ${result.latency.p50} | ${result.latency.p90} | ${result.latency.p99} | ${result.latency.max} | ${result.non2xx} | ${result.errors} |`,
    );
  } finally {
    server.kill();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
