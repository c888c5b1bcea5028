// Load test of the CDS Hooks service (not a timed test): starts the production build on loopback
// with a trusted issuer, then drives POST /cds-services/leg-cramp-factors with autocannon using a
// realistic, prefetch-complete request, each with its own freshly signed ES384 JWT (jti is single
// use). Prints requests per second and latency percentiles. Run: npm run bench:cds
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { prefetchFromResources } from '../lib/cds/prefetch';
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
/**
 * A realistic record built from the demo patients (never from ../shared, which users do not have):
 * one person with the demo's medications, conditions, procedures and results, plus three years of
 * quarterly electrolytes, glucose and BMI, about the size of a Synthea record.
 */
function benchPatient(): { id: string; label: string; resources: fhir4.FhirResource[] } {
  const id = 'bench-patient';
  const now = new Date();
  const resources: fhir4.FhirResource[] = [{ resourceType: 'Patient', id, birthDate: '1958-03-14', gender: 'female' }];
  for (const demo of demoPatients.filter((p) => ['demo-hypoglycemia', 'demo-alcohol', 'demo-overweight', 'demo-dialysis'].includes(p.id))) {
    for (const r of demo.resources(now)) {
      if (r.resourceType === 'Patient') continue;
      resources.push({ ...r, id: `${demo.id}-${r.id}`, subject: { reference: `Patient/${id}` } } as fhir4.FhirResource);
    }
  }
  const loinc: [string, number, string][] = [['2823-3', 4.1, 'mmol/L'], ['2951-2', 139, 'mmol/L'], ['2345-7', 96, 'mg/dL'], ['39156-5', 27.5, 'kg/m2']];
  for (let q = 1; q <= 12; q++) {
    const when = new Date(now.getTime() - q * 91 * 86_400_000).toISOString();
    for (const [code, value, unit] of loinc) {
      resources.push({
        resourceType: 'Observation', id: `hist-${code}-${q}`, status: 'final', subject: { reference: `Patient/${id}` }, effectiveDateTime: when,
        code: { coding: [{ system: 'http://loinc.org', code }] },
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    }
  }
  return { id, label: `a ${resources.length}-resource record built from the demo patients`, resources };
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
    env: { ...process.env, NODE_ENV: 'production', CDS_PUBLIC_BASE_URL: ORIGIN, CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } }) },
    stdio: 'ignore',
  });
  try {
    await waitForServer();
    const patient = benchPatient();
    const body = JSON.stringify({
      hook: 'patient-view',
      hookInstance: crypto.randomUUID(),
      context: { userId: 'Practitioner/bench', patientId: patient.id },
      prefetch: prefetchFromResources(patient.resources),
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
