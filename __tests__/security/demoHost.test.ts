// Finding 9 (the demo), as attacks on loopback:
// - a crafted Host header must not make the demo POST its signed JWT and a live FHIR token to the
//   attacker's address, nor appear in the URLs it builds (launch redirect, SMART configuration);
// - the demo FHIR API enforces the granted scopes (no patient/Observation.read -> 403 on Observation);
// - the product's CDS route reaches the demo's key only through configuration.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import handler from '../../pages/api/sandbox/[...path]';
import { readCdsConfig } from '../../lib/cds/config';
import { exchange, issueCode, s256 } from '../../lib/sandbox/auth';
import { handleFhirGet, scopeAllows } from '../../lib/sandbox/fhirApi';
import { serveApi, type ApiServer } from './apiServer';

let api: ApiServer;
let attacker: Server;
let attackerPort: number;
const attackerHits: { url: string; auth: string | undefined; body: string }[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  attacker = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      attackerHits.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"cards":[]}');
    });
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerPort = (attacker.address() as AddressInfo).port;
  api = await serveApi('/api/sandbox', handler);
  // The attack needs no SANDBOX_ORIGIN: the demo then uses loopback on PORT, never the Host header.
  process.env.SANDBOX_ENABLED = 'true';
  delete process.env.SANDBOX_ORIGIN;
  process.env.PORT = new URL(api.origin).port;
});
const demoOrigin = () => `http://localhost:${new URL(api.origin).port}`;
afterAll(async () => {
  await api.close();
  await new Promise((r) => attacker.close(r));
  process.env = saved;
});

function get(pathAndQuery: string, host: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.origin}${pathAndQuery}`, { headers: { Host: host, 'X-Forwarded-Host': host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the demo ignores the Host header', () => {
  const evilHost = () => `localhost:${attackerPort}`;

  it('does not send its signed JWT or a FHIR token to the host a client names', async () => {
    attackerHits.length = 0;
    const res = await get('/api/sandbox/cds-call?patient=demo-ccb', evilHost());
    expect(attackerHits).toEqual([]);
    // The call went to the demo's own loopback origin instead (this test server has no CDS route: 405).
    expect(JSON.parse(res.body)).toMatchObject({ status: 405 });
  });

  it('builds the launch redirect and SMART configuration from SANDBOX_ORIGIN or loopback only', async () => {
    const launch = await get('/api/sandbox/launch?patient=demo-ccb', evilHost());
    expect(launch.status).toBe(302);
    expect(decodeURIComponent(launch.location ?? '')).toContain(`iss=${demoOrigin()}/api/sandbox/fhir`);
    expect(launch.location).not.toContain(String(attackerPort));
    const config = await get('/api/sandbox/fhir/.well-known/smart-configuration', evilHost());
    expect(JSON.parse(config.body)).toMatchObject({ token_endpoint: `${demoOrigin()}/api/sandbox/auth/token` });
    process.env.SANDBOX_ORIGIN = 'https://demo.example.org';
    try {
      const configured = await get('/api/sandbox/fhir/.well-known/smart-configuration', evilHost());
      expect(JSON.parse(configured.body)).toMatchObject({ token_endpoint: 'https://demo.example.org/api/sandbox/auth/token' });
    } finally {
      delete process.env.SANDBOX_ORIGIN;
    }
    expect(config.body).not.toContain(String(attackerPort));
  });
});

describe('the demo FHIR API enforces the granted scopes', () => {
  function tokenFor(scope: string): string {
    const verifier = 'v'.repeat(50);
    const code = issueCode({ patientId: 'demo-ccb', needPatientBanner: true, clientId: 'c', redirectUri: 'http://localhost/', codeChallenge: s256(verifier), scope });
    const result = exchange({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost/', code_verifier: verifier, client_id: 'c' }, 'http://localhost');
    if (!result.ok) throw new Error(result.description);
    return String(result.body.access_token);
  }
  const base = 'http://localhost/api/sandbox/fhir';

  it('a token without patient/Observation.read gets 403 on Observation, and 200 where it has scope', async () => {
    const token = tokenFor('launch patient/Patient.read patient/Condition.read');
    const obs = await handleFhirGet('Observation', new URLSearchParams({ patient: 'demo-ccb' }), `Bearer ${token}`, base);
    expect(obs.status).toBe(403);
    expect(JSON.stringify(obs.body)).toMatch(/scopes do not allow/);
    expect((await handleFhirGet('Condition', new URLSearchParams({ patient: 'demo-ccb' }), `Bearer ${token}`, base)).status).toBe(200);
    expect((await handleFhirGet('Patient/demo-ccb', new URLSearchParams(), `Bearer ${token}`, base)).status).toBe(200);
  }, 30_000);

  it('reads SMART v1 and v2 scopes', () => {
    expect(scopeAllows('patient/*.read', 'Observation', 'search')).toBe(true);
    expect(scopeAllows('patient/Observation.rs', 'Observation', 'search')).toBe(true);
    expect(scopeAllows('patient/Observation.r', 'Observation', 'search')).toBe(false);
    expect(scopeAllows('patient/Observation.r', 'Observation', 'read')).toBe(true);
    expect(scopeAllows('user/Observation.read', 'Observation', 'read')).toBe(false);
    expect(scopeAllows('patient/Observation.write', 'Observation', 'read')).toBe(false);
    expect(scopeAllows('patient/Condition.read', 'Observation', 'read')).toBe(false);
  });
});

describe('the product does not depend on the demo', () => {
  it('the CDS route does not import lib/sandbox; the demo issuer is trusted through configuration', () => {
    const route = readFileSync(path.resolve(__dirname, '../../pages/api/cds-services/[[...path]].ts'), 'utf8');
    expect(route).not.toMatch(/lib\/sandbox/);
    for (const file of ['auth', 'config', 'request', 'service', 'cards', 'prefetch']) {
      expect(readFileSync(path.resolve(__dirname, `../../lib/cds/${file}.ts`), 'utf8')).not.toMatch(/from ['"][./]*sandbox/);
    }
    const config = readCdsConfig({ SANDBOX_ENABLED: 'true', SANDBOX_ORIGIN: 'http://localhost:4010' });
    expect(config.trustedIssuers['http://localhost:4010/api/sandbox']).toEqual({ jwks_uri: 'http://localhost:4010/api/sandbox/cds-client/jwks.json' });
    expect(config.publicBaseUrl).toBe('http://localhost:4010');
    expect(Object.keys(readCdsConfig({}).trustedIssuers)).toEqual([]);
  });
});
