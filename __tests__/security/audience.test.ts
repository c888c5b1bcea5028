// Finding 2 (JWT audience from the Host header), as the attack: a token minted for another service
// (aud = https://attacker.test/...) is sent with `Host: attacker.test` and `X-Forwarded-Proto: https`.
// Without CDS_PUBLIC_BASE_URL the service must refuse to run (503 and a log line saying why); with it,
// the audience and the cards' SMART link come from that setting only.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import handler from '../../pages/api/cds-services/[[...path]]';
import { memorySecurityLog } from '../../lib/log/security';
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { serveApi, type ApiServer } from './apiServer';

const ISSUER = 'https://ehr.test';
const PUBLIC = 'https://cramps.example.org';
let api: ApiServer;
let privateKey: CryptoKey;
const saved = { ...process.env };

beforeAll(async () => {
  const pair = await generateKeyPair('ES384', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES384' };
  process.env.CDS_TRUSTED_ISSUERS = JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } });
  delete process.env.SANDBOX_ENABLED;
  api = await serveApi('/api/cds-services', handler);
});
afterAll(async () => {
  await api.close();
  process.env = saved;
});
afterEach(() => {
  delete process.env.CDS_PUBLIC_BASE_URL;
});

const token = (aud: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: 'k1', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(crypto.randomUUID())
    .sign(privateKey);

const patient = demoPatients.find((p) => p.id === 'demo-diuretic');
const body = JSON.stringify({
  hook: 'patient-view',
  hookInstance: '3c1f0e2a-5b4d-4e6f-8a9b-0c1d2e3f4a5b',
  context: { userId: 'Practitioner/1', patientId: 'demo-diuretic' },
  prefetch: prefetchFromResources(patient?.resources(new Date()) ?? []),
});

// fetch() does not let a caller set Host, so send the request with node:http.
async function post(jwt: string, host: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { request } = await import('node:http');
  const url = new URL(`${api.origin}/api/cds-services/leg-cramp-factors`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { Host: host, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': host, 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('JWT audience and SMART link never come from request headers', () => {
  it('without CDS_PUBLIC_BASE_URL: a token for another host is not accepted; 503 with a clear message, logged', async () => {
    const log = memorySecurityLog();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await post(await token('https://attacker.test/cds-services/leg-cramp-factors'), 'attacker.test');
      expect(res.status).toBe(503);
      expect(String(res.body.error)).toMatch(/CDS_PUBLIC_BASE_URL/);
      expect(log.lines().some((l) => l.event === 'config.refused' && l.status === 503)).toBe(true);
      expect(errors.mock.calls.join(' ')).toMatch(/CDS_PUBLIC_BASE_URL is not set/);
    } finally {
      errors.mockRestore();
      log.restore();
    }
  });

  it('with CDS_PUBLIC_BASE_URL: the spoofed-host token gets 401, and a right token gets links to the configured base', async () => {
    process.env.CDS_PUBLIC_BASE_URL = PUBLIC;
    const spoofed = await post(await token('https://attacker.test/cds-services/leg-cramp-factors'), 'attacker.test');
    expect(spoofed).toEqual({ status: 401, body: { error: 'Unauthorized' } });
    // Speak for this patient without a documented complaint, so there are cards whose links to check.
    process.env.CDS_PATIENT_VIEW_TRIGGER = 'always';
    const good = await post(await token(`${PUBLIC}/cds-services/leg-cramp-factors`), 'attacker.test');
    delete process.env.CDS_PATIENT_VIEW_TRIGGER;
    expect(good.status).toBe(200);
    const cards = good.body.cards as { links?: { url: string }[] }[];
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect(card.links?.map((l) => l.url)).toEqual([`${PUBLIC}/launch`]);
  });

  it('discovery still answers without the setting (it carries no audience or link)', async () => {
    const res = await fetch(`${api.origin}/api/cds-services`);
    expect(res.status).toBe(200);
  });
});
