// Security headers on every page and API route, a CSP the app runs under without violations, and
// log hygiene: during real launches and CDS Hooks calls, no access token, patient id, name or birth
// date reaches the server's output or the browser console, and no token appears in a URL.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { launchBrowser } from './browser';
import { ORIGIN, SERVER_LOG } from './server';

const PATHS = [
  '/',
  '/launch',
  '/sandbox',
  '/sandbox/ehr?patient=demo-ccb',
  '/sandbox/cds?patient=demo-nothing',
  '/api/sandbox/fhir/metadata',
  '/api/sandbox/fhir/Observation?patient=demo-ccb',
  '/cds-services',
  '/no-such-page',
];

describe('security headers', () => {
  it.each(PATHS)('%s carries the full header set', async (p) => {
    const res = await fetch(`${ORIGIN}${p}`, { redirect: 'manual' });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\), microphone=\(\), geolocation=\(\)/);
  });
});

describe('the app under its CSP, and what it leaks', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('launches, frames and calls CDS Hooks with no CSP violation, no token in a URL and nothing personal in any log', async () => {
    const consoleLines: string[] = [];
    const urls: string[] = [];
    const tokens: string[] = [];
    const context = await browser.newContext({ viewport: { width: 380, height: 900 } });
    context.on('console', (m) => consoleLines.push(m.text()));
    context.on('weberror', (e) => consoleLines.push(String(e.error())));
    context.on('request', (r) => urls.push(r.url()));
    context.on('response', async (r) => {
      if (r.url().includes('/api/sandbox/auth/token') && r.status() === 200) {
        const body = (await r.json()) as { access_token?: string; refresh_token?: string };
        if (body.access_token) tokens.push(body.access_token);
        if (body.refresh_token) tokens.push(body.refresh_token);
      }
    });
    const page = await context.newPage();
    const chosen = ['demo-diuretic', 'demo-alcohol', 'demo-dialysis'];
    for (const id of chosen) {
      await page.goto(`${ORIGIN}/api/sandbox/launch?patient=${id}`);
      await page.waitForSelector('main.sidebar', { timeout: 30_000 });
      await page.goto(`${ORIGIN}/sandbox/cds?patient=${id}`);
      await page.waitForSelector('h1');
    }
    await page.goto(`${ORIGIN}/sandbox/ehr?patient=demo-units`);
    await page.frameLocator('iframe').locator('main.sidebar').waitFor({ timeout: 30_000 });
    await context.close();

    expect(tokens.length).toBeGreaterThanOrEqual(chosen.length);
    expect(consoleLines.filter((l) => /Content Security Policy|Refused to/i.test(l))).toEqual([]);
    for (const url of urls) for (const token of tokens) expect(url).not.toContain(token);

    const serverLog = readFileSync(SERVER_LOG, 'utf8');
    expect(serverLog).toMatch(/Ready|started|Local/i); // the capture works
    const secrets = [...tokens];
    for (const p of demoPatients.filter((d) => [...chosen, 'demo-units'].includes(d.id))) {
      const patient = p.resources(new Date()).find((r): r is fhir4.Patient => r.resourceType === 'Patient');
      secrets.push(p.id, patient?.birthDate ?? '', ...(patient?.name?.[0]?.given ?? []), patient?.name?.[0]?.family ?? '');
    }
    for (const secret of secrets.filter((s) => s.length > 3)) {
      expect({ secret, inServerLog: serverLog.includes(secret) }).toEqual({ secret, inServerLog: false });
      expect({ secret, inConsole: consoleLines.some((l) => l.includes(secret)) }).toEqual({ secret, inConsole: false });
    }
  });
});

describe('the security log', () => {
  it('records refusals as JSON lines, with no token, patient id or name', async () => {
    const badJwt = `${Buffer.from('{"alg":"ES384","typ":"JWT","kid":"x"}').toString('base64url')}.${Buffer.from('{"iss":"https://evil.test","sub":"demo-ccb"}').toString('base64url')}.c2lnbmF0dXJl`;
    const service = `${ORIGIN}/cds-services/leg-cramp-factors`;
    const unauthorized = await fetch(service, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${badJwt}` }, body: '{}' });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: 'Unauthorized' });
    // And a normal demo CDS call (JWT trusted through the configured key set, FHIR token): nothing logged about it.
    const demoCall = await fetch(`${ORIGIN}/api/sandbox/cds-call?patient=demo-ccb`);
    expect(demoCall.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));

    const lines = readFileSync(SERVER_LOG, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.filter((l) => l.log === 'security');
    expect(events.some((e) => e.event === 'auth.failed' && e.status === 401)).toBe(true);
    for (const e of events) expect(typeof e.time).toBe('string');
    const text = JSON.stringify(events);
    expect(text).not.toContain(badJwt);
    expect(text).not.toContain('c2lnbmF0dXJl');
    for (const p of demoPatients) {
      expect(text).not.toContain(p.id);
      const patient = p.resources(new Date()).find((r): r is fhir4.Patient => r.resourceType === 'Patient');
      for (const name of [patient?.name?.[0]?.family, ...(patient?.name?.[0]?.given ?? [])]) if (name && name.length > 3) expect(text).not.toContain(name);
    }
  });
});
