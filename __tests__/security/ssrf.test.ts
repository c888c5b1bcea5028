// Finding 1 (SSRF through fhirServer), as the attack on loopback: an "internal" server on 127.0.0.1
// holds a secret; the CDS service and the findings command must never connect to it, whether named
// directly, through a host name that resolves to it, or through a redirect from an allowed server.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readCdsConfig, type CdsConfig } from '../../lib/cds/config';
import { handleCds } from '../../lib/cds/service';
import { memorySecurityLog } from '../../lib/log/security';
import { createSafeFetch, isPublicAddress, OutboundRefusedError } from '../../lib/net/safeFetch';
import { NOW } from '../helpers/fhir';

const SECRET = 'INTERNAL-ADMIN-SECRET-7f3a';
let internal: Server;
let internalPort: number;
let internalHits = 0;
let redirector: Server;
let redirectorOrigin: string;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  internal = createServer((_req, res) => {
    internalHits++;
    res.writeHead(500, { 'Content-Type': 'application/fhir+json' });
    res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', details: { text: SECRET } }] }));
  });
  internalPort = await listen(internal);
  // An allowed FHIR server whose every answer is a redirect to the internal one.
  redirector = createServer((req, res) => {
    res.writeHead(302, { Location: `http://localhost:${internalPort}/internal${req.url ?? ''}` });
    res.end();
  });
  redirectorOrigin = `http://127.0.0.1:${await listen(redirector)}`;
});
afterAll(async () => {
  await new Promise((r) => internal.close(r));
  await new Promise((r) => redirector.close(r));
});
beforeEach(() => {
  internalHits = 0;
});

const OPEN: CdsConfig = { ...readCdsConfig({}), jwtRequired: false, allowHttpFhir: true, fhirTimeoutMs: 3000 };
const hook = (fhirServer: string, config: CdsConfig = OPEN) =>
  handleCds(
    {
      method: 'POST',
      path: 'leg-cramp-factors',
      baseUrl: 'https://cramps.test',
      now: NOW,
      body: {
        hook: 'patient-view',
        hookInstance: '0b9d4a52-6c1e-4f8a-9d3b-2e7f5a1c8d90',
        context: { userId: 'Practitioner/1', patientId: 'p1' },
        fhirServer,
        fhirAuthorization: { access_token: 'ehr-token', token_type: 'Bearer', expires_in: 60, scope: 'patient/*.read', subject: 'ehr' },
      },
    },
    config,
  );

describe('SSRF through fhirServer (CDS service)', () => {
  it.each([
    ['a loopback address literal', () => `http://127.0.0.1:${internalPort}/fhir`],
    ['a host name that resolves to loopback', () => `http://localhost:${internalPort}/fhir`],
  ])('never connects to %s; the cards carry no upstream text; the refusal is logged', async (_label, target) => {
    const log = memorySecurityLog();
    try {
      const res = await hook(target());
      expect(res.status).toBe(200);
      expect(internalHits).toBe(0);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect((res.body as { cards: { indicator: string }[] }).cards[0]?.indicator).toBe('warning');
      expect(log.lines().some((l) => l.event === 'outbound.refused' && l.reason === 'non-public address')).toBe(true);
      expect(JSON.stringify(log.lines())).not.toContain('ehr-token');
    } finally {
      log.restore();
    }
  });

  it('does not follow a redirect from an allowed FHIR server to an internal address', async () => {
    const log = memorySecurityLog();
    try {
      const res = await hook(`${redirectorOrigin}/fhir`, { ...OPEN, exemptFhirOrigins: [redirectorOrigin] });
      expect(res.status).toBe(200);
      expect(internalHits).toBe(0);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(log.lines().some((l) => l.event === 'outbound.redirect-refused')).toBe(true);
    } finally {
      log.restore();
    }
  });

  it('reaches a private FHIR server only when CDS_ALLOW_PRIVATE_FHIR=true says so', async () => {
    const config = readCdsConfig({ CDS_ALLOW_PRIVATE_FHIR: 'true', CDS_ALLOW_HTTP_FHIR: 'true' });
    await hook(`http://127.0.0.1:${internalPort}/fhir`, { ...config, jwtRequired: false, fhirTimeoutMs: 3000 });
    expect(internalHits).toBeGreaterThan(0);
  });
});

describe('the safe fetch itself', () => {
  const safe = createSafeFetch({ allowHttp: true });
  it.each([
    'http://127.0.0.1:9/',
    'http://[::1]:9/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://0.0.0.0:9/',
    'http://[::ffff:127.0.0.1]:9/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
  ])('refuses %s before connecting', async (url) => {
    await expect(safe(url)).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('checks the address a name resolves to (DNS rebinding to loopback is refused)', async () => {
    const rebinding = createSafeFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(rebinding(`https://fhir.example.org:${internalPort}/fhir/metadata`)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(internalHits).toBe(0);
  });

  it('refuses http unless allowed, and credentials in the URL', async () => {
    await expect(createSafeFetch()('http://fhir.example.org/')).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(safe('https://user:pw@fhir.example.org/')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('returns a redirect to the caller instead of following it', async () => {
    const exempt = createSafeFetch({ exemptOrigins: [redirectorOrigin] });
    const res = await exempt(`${redirectorOrigin}/fhir/Patient/1`);
    expect(res.status).toBe(302);
    expect(internalHits).toBe(0);
  });

  it('classifies addresses', () => {
    expect(['8.8.8.8', '2606:4700:4700::1111', '93.184.216.34'].every(isPublicAddress)).toBe(true);
    expect(['127.0.0.1', '::1', '10.1.2.3', '100.64.0.1', '169.254.169.254', 'fe80::1', 'fd00::1', '224.0.0.1', '::', 'not an ip'].some(isPublicAddress)).toBe(false);
  });
});

describe('SSRF through the findings command', () => {
  const ROOT = path.resolve(__dirname, '../..');
  it('refuses a loopback FHIR server (unless --allow-private) and never connects to it', () => {
    const run = spawnSync(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/findings.ts', '--server', `https://localhost:${internalPort}/fhir`, '--patient', 'p1'],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FHIR_BEARER_TOKEN: 'cli-token-9' } },
    );
    expect(run.status).toBe(2);
    expect(internalHits).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/findings: /);
    expect(run.stderr).not.toContain('cli-token-9');
    expect(run.stderr).toMatch(/outbound.refused/);
  }, 60_000);
});
