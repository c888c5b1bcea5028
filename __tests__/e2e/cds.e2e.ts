// The CDS Hooks service over real HTTP on the production build: the /cds-services path, CORS,
// size limit, content checks, JWT enforcement, and the demo EHR's CDS Hooks view end to end
// (signed ES384 JWT, the service reading the demo FHIR API with the EHR's token).
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { ORIGIN } from './server';

const SERVICE = `${ORIGIN}/cds-services/leg-cramp-factors`;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const hook = { hook: 'patient-view', hookInstance: 'x1', context: { patientId: 'demo-ccb' } };

describe('CDS Hooks over HTTP', () => {
  it('serves discovery at /cds-services with CORS', async () => {
    const res = await fetch(`${ORIGIN}/cds-services`, { headers: { Origin: 'https://ehr.example.org' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { services: { id: string; hook: string }[] };
    expect(body.services.map((s) => [s.id, s.hook])).toEqual([
      ['leg-cramp-factors', 'patient-view'],
      ['leg-cramp-order-select', 'order-select'],
      ['leg-cramp-order-sign', 'order-sign'],
    ]);
  });

  it('answers a CORS preflight with the methods and headers a browser client needs', async () => {
    const res = await fetch(SERVICE, {
      method: 'OPTIONS',
      headers: { Origin: 'https://ehr.example.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('requires a JWT (401, a bare "Unauthorized") and checks it before reading the body', async () => {
    const res = await fetch(SERVICE, json(hook));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    // Without a valid JWT nothing is read or parsed: a huge body, bad JSON and another media type all get 401.
    // (413/408/415/400 with a valid JWT: __tests__/security/requestHandling.test.ts.)
    const big = await fetch(SERVICE, json(`{"pad":"${'x'.repeat(6 * 1024 * 1024)}"}`));
    expect(big.status).toBe(401);
    expect((await fetch(SERVICE, json('{"hook": '))).status).toBe(401);
    expect((await fetch(SERVICE, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' })).status).toBe(401);
  });
});

describe('demo EHR CDS Hooks view', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the cards for demo-complaint (a documented complaint), from a signed call that read the demo FHIR API', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${ORIGIN}/sandbox`);
    await page.getByRole('link', { name: 'CDS Hooks cards for Helen Achterberg' }).click();
    await page.waitForURL(/\/sandbox\/cds\?patient=demo-complaint$/, { timeout: 30_000 });
    // The view's own answer line, not the list page still on screen while it loads.
    await page.getByText(/Answer: HTTP \d+/).waitFor({ timeout: 30_000 });
    await expect(page.locator('main').textContent()).resolves.toContain('Answer: HTTP 200, 3 cards.');
    const cards = await page.locator('li.cds-card h2').allTextContents();
    expect(cards).toEqual([
      'Leg cramps safety: Quinine: not recommended for cramps',
      'Leg cramps: Long-acting beta-agonist inhaler (evidence: strong)',
      'Leg cramps: Diuretic (water pill) + Low potassium (potassium loss)',
    ]);
    await page.context().close();
  });

  it('shows no cards, and says why, for a patient without a documented complaint', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${ORIGIN}/sandbox/cds?patient=demo-nothing`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^No cards: without a documented leg-cramp complaint the service stays silent/);
    await page.context().close();
  });
});
