// CDS Hooks 2.0 conformance with the specification's own examples (written out here as fixtures):
// the patient-view request, the feedback bodies, and the JWT of "Trusting CDS Clients" (kid, typ,
// tenant). Also: a null prefetch value per key means "no data" (no 412, no refetch), 412 only when a
// key is absent and there is no fhirServer; hookInstance is a UUID; userId is required;
// fhirServer is required with fhirAuthorization; 401 bodies say nothing about the failed check.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { readCdsConfig, type CdsConfig } from '../../lib/cds/config';
import { prefetchFromResources, prefetchTemplates } from '../../lib/cds/prefetch';
import { hookRequestSchema } from '../../lib/cds/request';
import { discovery, handleCds } from '../../lib/cds/service';
import { memorySecurityLog } from '../../lib/log/security';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { NOW } from '../helpers/fhir';

const BASE = 'https://cds.example.org';
const SERVICE = `${BASE}/cds-services/leg-cramp-factors`;

/** The spec's patient-view example request (CDS Hooks 2.0, "HTTP Request" example). */
const SPEC_REQUEST = {
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  fhirServer: 'http://hooks.smarthealthit.org:9080',
  hook: 'patient-view',
  fhirAuthorization: {
    access_token: 'some-opaque-fhir-access-token',
    token_type: 'Bearer',
    expires_in: 300,
    scope: 'user/Patient.read user/Observation.read',
    subject: 'cds-service4',
  },
  context: { userId: 'Practitioner/example', patientId: '1288992', encounterId: '89284' },
  prefetch: { patientToGreet: { resourceType: 'Patient', gender: 'male', birthDate: '1925-12-23', id: '1288992', active: true } },
};

/** The spec's feedback examples: an accepted suggestion, and an override with a reason. */
const SPEC_FEEDBACK_ACCEPTED = {
  feedback: [
    {
      card: '9368d37b-283f-44a0-93ea-547cebab93ed',
      outcome: 'accepted',
      acceptedSuggestions: [{ id: 'e56e1945-20b3-4393-8503-a1a20fd73152' }],
      outcomeTimestamp: '2020-12-11T00:00:00Z',
    },
  ],
};
const SPEC_FEEDBACK_OVERRIDDEN = {
  feedback: [
    {
      card: '9368d37b-283f-44a0-93ea-547cebab93ed',
      outcome: 'overridden',
      overrideReason: {
        reason: { code: 'reason-code-provided-by-service', system: 'http://example.org/cds-services/fhir/CodeSystem/override-reasons' },
        userComment: 'clinician-provided free text',
      },
      outcomeTimestamp: '2020-12-11T00:00:00Z',
    },
  ],
};

const OPEN: CdsConfig = { ...readCdsConfig({}), jwtRequired: false };
const post = (body: unknown, config: CdsConfig = OPEN, authorization?: string, path = 'leg-cramp-factors') =>
  handleCds({ method: 'POST', path, body, baseUrl: BASE, now: NOW, ...(authorization ? { authorization } : {}) }, config);

describe('the specification’s example request', () => {
  it('is a valid request for our schema', () => {
    expect(hookRequestSchema.safeParse(SPEC_REQUEST).success).toBe(true);
  });

  it('is refused with 400 for its http fhirServer in production (no connection attempted)', async () => {
    const res = await post(SPEC_REQUEST);
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/https/);
  });

  it.each([
    ['hookInstance not a UUID', { ...SPEC_REQUEST, hookInstance: 'abc' }, /hookInstance: must be a UUID/],
    ['no context.userId', { ...SPEC_REQUEST, context: { patientId: '1288992' } }, /context\.userId/],
    ['a userId that is not a user reference', { ...SPEC_REQUEST, context: { userId: 'Device/1', patientId: '1288992' } }, /context\.userId/],
    ['fhirAuthorization without fhirServer', { ...SPEC_REQUEST, fhirServer: undefined }, /fhirServer is required when fhirAuthorization is sent/],
  ])('is refused with 400 when changed to have %s', async (_label, body, message) => {
    const res = await post(JSON.parse(JSON.stringify(body)));
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(message);
  });
});

describe('null prefetch (“searched, found nothing”)', () => {
  const patient = demoPatients.find((p) => p.id === 'demo-nothing')!;
  const full = prefetchFromResources(patient.resources(NOW));
  const request = (prefetch: Record<string, unknown>) => ({
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/example', patientId: patient.id },
    prefetch,
  });

  it.each(Object.keys(prefetchTemplates()).filter((k) => k !== 'patient'))('null %s: 200, no 412, no "not checked" card', async (key) => {
    const res = await post(request({ ...full, [key]: null }));
    expect(res.status).toBe(200);
    expect((res.body as { cards: unknown[] }).cards).toEqual([]);
  });

  it.each(Object.keys(prefetchTemplates()).filter((k) => k !== 'patient'))('absent %s and no fhirServer: 412', async (key) => {
    const without: Record<string, unknown> = { ...full };
    delete without[key];
    expect((await post(request(without))).status).toBe(412);
  });

  it('null patient: the Patient is reported not checked (never a silent all-clear), no 412', async () => {
    const res = await post(request({ ...full, patient: null }));
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: { indicator: string; summary: string }[] }).cards;
    expect(cards[0]?.indicator).toBe('warning');
    expect(cards[0]?.summary).toMatch(/patient/i);
  });
});

describe('the specification’s feedback examples', () => {
  it.each([
    ['accepted with a suggestion', SPEC_FEEDBACK_ACCEPTED],
    ['overridden with a reason', SPEC_FEEDBACK_OVERRIDDEN],
  ])('accepts %s', async (_label, body) => {
    expect((await post(body, OPEN, undefined, 'leg-cramp-factors/feedback')).status).toBe(200);
  });
});

describe('discovery', () => {
  it('says what _include adds to the prefetch', () => {
    const service = (discovery() as { services: { description: string; prefetch: Record<string, string> }[] }).services[0]!;
    expect(Object.values(service.prefetch).some((t) => t.includes('_include='))).toBe(true);
    expect(service.description).toMatch(/_include=MedicationRequest:medication/);
    expect(service.description).toMatch(/Medication resources/);
  });
});

describe('the JWT of “Trusting CDS Clients”', () => {
  const ISSUER = 'https://fhir-ehr.example.com/';
  const TENANT = '2ddd6c3a-8e9a-44c6-a305-52111ad302a2';
  let privateKey: CryptoKey;
  let config: CdsConfig;
  let tenantConfig: CdsConfig;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'example-kid', alg: 'ES384' };
    config = readCdsConfig({ CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] } } }) });
    tenantConfig = readCdsConfig({ CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: { keys: [jwk] }, tenants: [TENANT] } }) });
  });

  // As in the spec's example: alg ES384, typ JWT, a kid; iss, sub, aud, exp, iat, jti and tenant.
  const sign = (header: Record<string, unknown> = { typ: 'JWT', kid: 'example-kid' }, claims: Record<string, unknown> = { tenant: TENANT }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES384', ...header })
      .setIssuer(ISSUER)
      .setSubject('client_id')
      .setAudience(SERVICE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(crypto.randomUUID())
      .sign(privateKey);

  const feedback = (jwt: string, cfg: CdsConfig) => post(SPEC_FEEDBACK_ACCEPTED, cfg, `Bearer ${jwt}`, 'leg-cramp-factors/feedback');

  it('accepts the example token', async () => {
    expect((await feedback(await sign(), config)).status).toBe(200);
    expect((await feedback(await sign(), tenantConfig)).status).toBe(200);
  });

  it.each([
    ['no kid', { typ: 'JWT' }, { tenant: TENANT }, /no "kid"/, 'config'],
    ['typ other than JWT', { typ: 'at+jwt', kid: 'example-kid' }, { tenant: TENANT }, /"typ" is not "JWT"/, 'config'],
    ['no typ', { kid: 'example-kid' }, { tenant: TENANT }, /"typ" is not "JWT"/, 'config'],
    ['a tenant outside the allowlist', { typ: 'JWT', kid: 'example-kid' }, { tenant: 'other-org' }, /tenant/, 'tenant'],
    ['no tenant when an allowlist is set', { typ: 'JWT', kid: 'example-kid' }, {}, /tenant/, 'tenant'],
  ])('refuses %s: 401 "Unauthorized", the reason only in the security log', async (_label, header, claims, reason, which) => {
    const log = memorySecurityLog();
    try {
      const res = await feedback(await sign(header, claims), which === 'tenant' ? tenantConfig : config);
      expect(res).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
      expect(log.lines().map((l) => String(l.reason))).toEqual([expect.stringMatching(reason)]);
    } finally {
      log.restore();
    }
  });

  it('logs a replayed token as a replay', async () => {
    const log = memorySecurityLog();
    try {
      const token = await sign();
      expect((await feedback(token, config)).status).toBe(200);
      expect((await feedback(token, config)).status).toBe(401);
      expect(log.lines().map((l) => l.event)).toEqual(['auth.replay']);
    } finally {
      log.restore();
    }
  });
});
