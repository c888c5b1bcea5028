// A store that fails while a hook is answered (disk full, database gone) is the service's fault, not the client's:
// 503 with Retry-After, never a 401 (which would tell the EHR its credentials are wrong and log an auth failure),
// and never a card answer that pretends replay protection or card memory worked. A jti the store cannot keep is
// the token's fault: 401.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { readCdsConfig, type CdsConfig } from '../../lib/cds/config';
import { cdsPath, serveCds } from '../../lib/cds/http';
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { CdsStoreFailure, handleCds, type CdsDeps } from '../../lib/cds/service';
import { memorySecurityLog } from '../../lib/log/security';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { StoreInputError, type CdsStore } from '../../lib/store';
import { NOW } from '../helpers/fhir';

const BASE = 'https://cramps.test';
const ISSUER = 'https://ehr.test';
const SERVICE = `${BASE}/cds-services/leg-cramp-factors`;
let privateKey: CryptoKey;
let config: CdsConfig;
let trusted: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES384');
  privateKey = pair.privateKey;
  trusted = JSON.stringify({ [ISSUER]: { jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES384' }] } } });
  config = readCdsConfig({ CDS_TRUSTED_ISSUERS: trusted, CDS_PUBLIC_BASE_URL: BASE });
});

const token = (jti: string = crypto.randomUUID()) =>
  new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: 'k1', typ: 'JWT' }).setIssuer(ISSUER).setAudience(SERVICE).setIssuedAt().setExpirationTime('5m').setJti(jti).sign(privateKey);

const patient = demoPatients.find((p) => p.id === 'demo-complaint');
const body = () => ({
  hook: 'patient-view',
  hookInstance: crypto.randomUUID(),
  context: { userId: 'Practitioner/1', patientId: 'demo-complaint' },
  prefetch: prefetchFromResources(patient?.resources(new Date()) ?? []),
});

/** A store whose named operation fails like a database would (an error with a SQLSTATE code and data in its text). */
function failingStore(failing: 'rememberJti' | 'rememberCards' | 'snoozedRules' | 'none', calls: string[] = []): CdsStore {
  const fail = (name: string) => {
    calls.push(name);
    if (name === failing) throw Object.assign(new Error('could not extend file "base/5/16384": No space left on device; key (patient_key)=(secret)'), { code: '53100' });
  };
  return {
    kind: 'embedded',
    rememberJti: async () => (fail('rememberJti'), true),
    rememberCards: async () => fail('rememberCards'),
    snoozedRules: async () => (fail('snoozedRules'), new Set<string>()),
    cardInfo: async () => null,
    recordFeedback: async () => ({ status: 'recorded', ruleIds: [], snoozedRuleIds: [] }),
    snooze: async () => undefined,
    feedbackReport: async () => ({ rules: [], unattributed: { accepted: 0, overridden: 0 } }),
    purgeExpired: async () => undefined,
    ready: async () => ({ ok: true, kind: 'embedded' }),
    close: async () => undefined,
  };
}

const call = async (store: CdsStore, jti?: string) => {
  const deps: CdsDeps = { store: async () => store };
  return handleCds({ method: 'POST', path: 'leg-cramp-factors', authorization: `Bearer ${await token(jti)}`, body: body(), baseUrl: BASE, now: NOW }, config, deps);
};

describe('store failures while answering a hook', () => {
  it.each(['rememberJti', 'snoozedRules', 'rememberCards'] as const)('%s failing: a CdsStoreFailure with the database code only, and no auth event', async (failing) => {
    const log = memorySecurityLog();
    try {
      const error = await call(failingStore(failing)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CdsStoreFailure);
      expect((error as CdsStoreFailure).code).toBe('53100');
      expect((error as Error).message).not.toMatch(/patient_key|space/);
      expect(log.lines().filter((l) => String(l.event).startsWith('auth.'))).toEqual([]);
    } finally {
      log.restore();
    }
  });

  it('a working store answers 200 (the same request, so the failures above come from the store alone)', async () => {
    const calls: string[] = [];
    const res = await call(failingStore('none', calls));
    expect(res.status).toBe(200);
    expect(calls).toEqual(['rememberJti', 'snoozedRules', 'rememberCards']);
  });

  it('a jti the store refuses as input is the token’s fault: 401, logged as an auth failure naming the jti', async () => {
    const store = failingStore('none');
    store.rememberJti = async () => {
      throw new StoreInputError('jti is longer than 1024 characters');
    };
    const log = memorySecurityLog();
    try {
      const res = await call(store);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Unauthorized' });
      expect(log.lines().find((l) => l.event === 'auth.failed')?.reason).toMatch(/"jti" claim is not acceptable/);
    } finally {
      log.restore();
    }
  });
});

describe('over HTTP (lib/cds/http.ts): 503 with Retry-After and a body that names no data', () => {
  const SLOT = Symbol.for('leg-cramp-factors.cds-store');
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const saved = { slot: holder[SLOT], env: { ...process.env } };
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    holder[SLOT] = Promise.resolve(failingStore('rememberJti'));
    process.env.CDS_TRUSTED_ISSUERS = trusted;
    process.env.CDS_PUBLIC_BASE_URL = BASE;
    server = createServer((req, res) => void serveCds(req, res, cdsPath(req.url) ?? ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    holder[SLOT] = saved.slot;
    process.env = saved.env;
  });

  it('answers 503, says to retry, and logs the database code without its message', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await fetch(`${origin}/cds-services/leg-cramp-factors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await token()}` },
        body: JSON.stringify(body()),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const text = await res.text();
      expect(text).toMatch(/cannot reach its store/);
      expect(text).not.toMatch(/patient_key|space|53100/);
      const logged = errors.mock.calls.map((c) => c.join(' ')).join('\n');
      expect(logged).toMatch(/the store failed \(53100\)/);
      expect(logged).not.toMatch(/patient_key|No space/);
    } finally {
      errors.mockRestore();
    }
  });
});
