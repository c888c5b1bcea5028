// Finding 8 (request handling), as attacks on the CDS route over loopback HTTP:
// - the JWT is checked before the body is read or parsed (a bad token with a body that never ends
//   gets 401 at once; an unauthenticated garbage body is not parsed);
// - a slow body is cut off with 408 after CDS_BODY_TIMEOUT_MS;
// - prefetch about another patient than context.patientId is refused with 400;
// - 401, 413, 415 and 408 are written to the security log, with no token or patient id.
import { openStore } from '../../lib/store';
import { request } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import handler from '../../pages/api/cds-services/[[...path]]';
import { memorySecurityLog } from '../../lib/log/security';
import { serveApi, type ApiServer } from './apiServer';

const ISSUER = 'https://ehr.test';
const PUBLIC = 'https://cramps.example.org';
const SERVICE = `${PUBLIC}/cds-services/leg-cramp-factors`;
let api: ApiServer;
let privateKey: CryptoKey;
const saved = { ...process.env };

beforeAll(async () => {
  const pair = await generateKeyPair('ES384', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES384' };
  process.env.CDS_TRUSTED_ISSUERS = JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } });
  process.env.CDS_PUBLIC_BASE_URL = PUBLIC;
  process.env.CDS_BODY_TIMEOUT_MS = '300';
  process.env.CDS_MAX_BODY_BYTES = '2000';
  delete process.env.SANDBOX_ENABLED;
  api = await serveApi('/api/cds-services', handler);
  // A server opens its store when it starts; the timings below are about the request alone.
  await openStore();
});
afterAll(async () => {
  await api.close();
  process.env = saved;
});

const jwt = () =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: 'k1', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(SERVICE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(crypto.randomUUID())
    .sign(privateKey);

interface Sent {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** POSTs `chunks` and, unless `finish`, leaves the body open (a slow or endless client). */
function send(headers: Record<string, string>, chunks: string[], finish = true): Promise<Sent> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(`${api.origin}/api/cds-services/leg-cramp-factors`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ms: Date.now() - started });
      });
    });
    req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
    for (const c of chunks) req.write(c);
    if (finish) req.end();
  });
}

const request1 = (patientId: string, prefetch: Record<string, unknown>) =>
  JSON.stringify({ hook: 'patient-view', hookInstance: '7e0c2f5a-1b3d-4c6e-8f9a-0b1c2d3e4f5a', context: { userId: 'Practitioner/1', patientId }, prefetch });

describe('the CDS route refuses before reading what it need not read', () => {
  it('answers 401 to a bad token at once, without waiting for (or parsing) a body that never ends', async () => {
    const log = memorySecurityLog();
    try {
      const res = await send({ 'Content-Type': 'application/json', Authorization: 'Bearer not.a.jwt', 'Content-Length': '1000' }, ['{"hook": "patient-'], false);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Unauthorized' });
      expect(res.ms).toBeLessThan(250); // well under the 300 ms body timeout
      expect(log.lines().map((l) => l.event)).toContain('auth.failed');
    } finally {
      log.restore();
    }
  });

  it('does not parse an unauthenticated body (401, not 400 for bad JSON)', async () => {
    const res = await send({ 'Content-Type': 'application/json' }, ['{not json']);
    expect(res.status).toBe(401);
  });

  it('cuts off a slow body with 408 after CDS_BODY_TIMEOUT_MS, and logs it', async () => {
    const log = memorySecurityLog();
    try {
      const res = await send({ 'Content-Type': 'application/json', Authorization: `Bearer ${await jwt()}`, 'Content-Length': '1000' }, ['{"hook":'], false);
      expect(res.status).toBe(408);
      expect(res.ms).toBeGreaterThanOrEqual(250);
      expect(res.ms).toBeLessThan(3000);
      expect(log.lines().some((l) => l.event === 'request.refused' && l.status === 408)).toBe(true);
    } finally {
      log.restore();
    }
  });

  it('logs 413 and 415 refusals without the token', async () => {
    const log = memorySecurityLog();
    try {
      const token = await jwt();
      expect((await send({ 'Content-Type': 'text/plain', Authorization: `Bearer ${token}` }, ['x'])).status).toBe(415);
      const big = await send({ 'Content-Type': 'application/json', Authorization: `Bearer ${await jwt()}` }, [`{"x":"${'a'.repeat(3000)}"}`]);
      expect(big.status).toBe(413);
      const statuses = log.lines().filter((l) => l.event === 'request.refused').map((l) => l.status);
      expect(statuses).toEqual([415, 413]);
      expect(JSON.stringify(log.lines())).not.toContain(token.split('.')[2]);
    } finally {
      log.restore();
    }
  });
});

describe('prefetch must be about context.patientId', () => {
  const patient = (id: string) => ({ resourceType: 'Patient', id, birthDate: '1950-01-01' });
  const bundle = (subject: string) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [{ resource: { resourceType: 'Condition', id: 'c1', subject: { reference: subject }, code: { text: 'x' } } }],
  });

  it.each([
    ['a Patient with another id', { patient: patient('victim') }],
    ['a search result about another patient', { patient: patient('p1'), conditions: bundle('Patient/victim') }],
    ['an absolute reference to another patient', { patient: patient('p1'), conditions: bundle('https://ehr.test/fhir/Patient/victim') }],
  ])('refuses %s with 400, and logs it without the ids', async (_label, prefetch) => {
    const log = memorySecurityLog();
    try {
      const text = request1('p1', prefetch);
      const res = await send({ 'Content-Type': 'application/json', Authorization: `Bearer ${await jwt()}` }, [text]);
      expect(res.status).toBe(400);
      expect(String(res.body.error)).toMatch(/another patient than context\.patientId/);
      expect(JSON.stringify(log.lines())).not.toMatch(/victim|"p1"/);
    } finally {
      log.restore();
    }
  });

  it('accepts its own patient referenced as Patient/id, an absolute URL or urn:uuid', async () => {
    for (const subject of ['Patient/p1', 'https://ehr.test/fhir/Patient/p1', 'urn:uuid:p1']) {
      const text = request1('p1', { patient: patient('p1'), conditions: bundle(subject) });
      const res = await send({ 'Content-Type': 'application/json', Authorization: `Bearer ${await jwt()}` }, [text]);
      expect(res.status).not.toBe(400);
    }
  });
});
