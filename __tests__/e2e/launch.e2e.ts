// End to end in a real browser: every demo patient launched from the demo EHR through SMART
// authorize and token, the sidebar's findings checked against the patient's expectations.
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { evaluate } from '../../lib/engine/evaluate';
import { patientDataFromBundle } from '../../lib/fhir/fromBundle';
import { knowledge } from '../../lib/knowledge';
import { serverUnitConverter } from '../../lib/terminology/ucumNode';
import { summaryLine } from '../../lib/ui/summaryText';
import { launchBrowser } from './browser';
import { ORIGIN, ROOT } from './server';

const ARTIFACTS = path.join(ROOT, 'test-results');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(bypassCSP = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 380, height: 900 }, bypassCSP });
  return context.newPage();
}

async function launchFromList(page: Page, name: string, fail = ''): Promise<void> {
  await page.goto(`${ORIGIN}/sandbox`);
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name }) });
  if (fail) await row.locator('select[name=fail]').selectOption(fail);
  await row.getByRole('button', { name: `Launch for ${name}` }).click();
  await page.waitForSelector('main.sidebar', { timeout: 30_000 });
}

const rulesShown = (page: Page) => page.locator('article[data-rule]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));

function nameOf(id: string): string {
  const p = demoPatients.find((d) => d.id === id);
  const patient = p?.resources(new Date()).find((r): r is fhir4.Patient => r.resourceType === 'Patient');
  return [...(patient?.name?.[0]?.given ?? []), patient?.name?.[0]?.family].join(' ');
}

/** The summary the same record gives when read as a Bundle (the findings command's path). */
function summaryFromBundle(id: string): string {
  const now = new Date();
  const resources = demoPatients.find((p) => p.id === id)?.resources(now) ?? [];
  const { data, fullUrls } = patientDataFromBundle({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  return summaryLine(evaluate(knowledge(), data, now, { units: serverUnitConverter(), medicationFullUrls: fullUrls })).text;
}

describe('EHR launch of every demo patient', () => {
  it.each(demoPatients.map((p) => [p.id, p.expected] as const))('%s shows exactly %p', async (id, expected) => {
    const demo = demoPatients.find((p) => p.id === id);
    const page = await newPage();
    await launchFromList(page, nameOf(id));
    expect(page.url()).toBe(`${ORIGIN}/`); // fhirclient removes code and state from the address
    expect((await rulesShown(page)).sort()).toEqual([...expected].sort());
    const verified = await page.locator('section.verify article[data-rule]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(verified.sort()).toEqual([...(demo?.verify ?? [])].sort());
    const status = await page.getByRole('status').first().textContent();
    // Through SMART launch, the loader and the browser, the same summary as the Bundle path.
    expect(status).toBe(summaryFromBundle(id));
    if (id === 'demo-nothing') expect(status).toBe('No documented causes found in the checked data.');
    if (id === 'demo-no-labs') expect(status).toMatch(/potassium, sodium, magnesium, calcium and TSH have never been measured/);
    if (id === 'demo-old-order') expect(status).toBe('1 documented cause: 1 weak; 1 to verify.');
    const complaint = await page.getByTestId('complaint').textContent();
    if (demo?.complaint) expect(complaint).toMatch(/^Leg cramps recorded: Sleep related leg cramps, \d{4}-\d{2}-\d{2}$/);
    else expect(complaint).toBe('No leg-cramp complaint in the record');
    await expect(page.getByRole('region', { name: 'Patient', exact: true }).textContent()).resolves.toContain(nameOf(id));
    if (id === 'demo-stale') await expect(page.getByText(/Potassium: last result/).count()).resolves.toBe(1);
    if (id === 'demo-deceased') await expect(page.getByText(/^Deceased \d{4}-\d{2}-\d{2}$/).count()).resolves.toBe(1);
    if (['demo-diuretic', 'demo-units', 'demo-alcohol', 'demo-complaint', 'demo-old-order', 'demo-no-labs', 'demo-nothing', 'demo-by-name', 'demo-thyroid'].includes(id)) {
      await page.screenshot({ path: path.join(ARTIFACTS, `sidebar-${id}.png`), fullPage: true });
    }
    await page.context().close();
  });
});

describe('launch variants', () => {
  it('runs framed inside the demo chart, without a patient banner', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${ORIGIN}/sandbox/ehr?patient=demo-diuretic`);
    const frame = page.frameLocator('iframe[title="Leg cramp factors"]');
    await frame.locator('main.sidebar').waitFor({ timeout: 30_000 });
    const rules = await frame.locator('article[data-rule]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(rules.sort()).toEqual(['diuretic', 'low-potassium']);
    await expect(frame.getByRole('region', { name: 'Patient', exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('copies the summary for the visit note from inside the EHR frame, without any token or address', async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${ORIGIN}/sandbox/ehr?patient=demo-complaint`);
    const frame = page.frameLocator('iframe[title="Leg cramp factors"]');
    await frame.locator('main.sidebar').waitFor({ timeout: 30_000 });
    await frame.getByRole('button', { name: 'Copy summary' }).click();
    await expect(frame.getByTestId('copy-status').textContent()).resolves.toBe('Summary copied to the clipboard.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^Leg cramp factors: documented causes of nocturnal leg cramps\nPatient: Helen Achterberg/);
    expect(copied).toContain('Complaint: Leg cramps recorded: Sleep related leg cramps');
    expect(copied).toContain('- Quinine: not recommended for cramps [safety warning]');
    expect(copied).toContain('- Long-acting beta-agonist inhaler [evidence: strong]');
    expect(copied).toContain('Documented associations for clinical review, not a diagnosis');
    expect(copied).not.toMatch(/https?:|Bearer|access_token|code=|state=/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'framed-copy-summary.png') });
    await page.context().close();
  });

  it('shows lab results as not checked when the EHR refuses them, and never the all-clear', async () => {
    const page = await newPage();
    await launchFromList(page, nameOf('demo-diuretic'), 'Observation:403');
    expect(await rulesShown(page)).toEqual(['diuretic']);
    await expect(page.getByText(/Lab results not checked:/).count()).resolves.toBe(1);
    await expect(page.getByText('No documented causes found in the checked data.').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('standalone launch goes through the patient picker', async () => {
    const page = await newPage();
    await page.goto(`${ORIGIN}/sandbox/standalone`);
    await page.getByRole('link', { name: nameOf('demo-parkinson') }).click();
    await page.waitForSelector('main.sidebar', { timeout: 30_000 });
    expect(await rulesShown(page)).toEqual(['parkinsons-disease']);
    await page.context().close();
  });

  it.each(['demo-alcohol', 'demo-complaint', 'demo-old-order', 'demo-no-labs', 'demo-nothing', 'demo-thyroid'])(
    'has no axe violations on the sidebar of %s',
    async (id) => {
      // The app's CSP rightly refuses the injected axe script; only this test's browser context ignores it.
      const page = await newPage(true);
      await launchFromList(page, nameOf(id));
      await page.addScriptTag({ content: readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8') });
      const results = (await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
        violations: { id: string; impact: string | null; nodes: unknown[] }[];
        passes: unknown[];
      };
      console.log(`axe ${id}: ${results.passes.length} rules passed, ${results.violations.length} violations: ${results.violations.map((v) => `${v.id}/${v.impact}`).join(', ') || 'none'}`);
      expect(results.violations.map((v) => `${v.id}/${v.impact}`)).toEqual([]);
      await page.context().close();
    },
  );
});

describe('demo EHR security', () => {
  async function authorizeCode(challenge: string, patient = 'demo-ccb', clientId = 'leg-cramp-factors'): Promise<{ code: string; redirectUri: string }> {
    const launch = await fetch(`${ORIGIN}/api/sandbox/launch?patient=${patient}`, { redirect: 'manual' });
    const launchUrl = new URL(launch.headers.get('location') ?? '', ORIGIN);
    const redirectUri = `${ORIGIN}/`;
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'launch patient/Patient.read patient/Observation.read',
      state: 'abc',
      aud: launchUrl.searchParams.get('iss') ?? '',
      launch: launchUrl.searchParams.get('launch') ?? '',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const auth = await fetch(`${ORIGIN}/api/sandbox/auth/authorize?${q}`, { redirect: 'manual' });
    const back = new URL(auth.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('abc');
    return { code: back.searchParams.get('code') ?? '', redirectUri };
  }
  const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const token = (form: Record<string, string>) =>
    fetch(`${ORIGIN}/api/sandbox/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

  it('rejects a wrong PKCE verifier with invalid_grant, and the code cannot be reused', async () => {
    const { code, redirectUri } = await authorizeCode(challenge);
    const bad = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'leg-cramp-factors', code_verifier: 'w'.repeat(50) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual(expect.objectContaining({ error: 'invalid_grant' }));
    const retry = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'leg-cramp-factors', code_verifier: verifier });
    expect(retry.status).toBe(400);
  });

  it('issues a patient-scoped token for the right verifier and refuses other patients', async () => {
    const { code, redirectUri } = await authorizeCode(challenge);
    const ok = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'leg-cramp-factors', code_verifier: verifier });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string; patient: string; need_patient_banner: boolean; smart_style_url: string };
    expect(body.patient).toBe('demo-ccb');
    const get = (p: string, bearer?: string) => fetch(`${ORIGIN}/api/sandbox/fhir/${p}`, bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {});
    expect((await get('Patient/demo-ccb', body.access_token)).status).toBe(200);
    expect((await get('Patient/demo-units', body.access_token)).status).toBe(403);
    expect((await get('Observation?patient=demo-units', body.access_token)).status).toBe(403);
    expect((await get('Observation?patient=demo-ccb')).status).toBe(401);
    expect((await get('Observation?patient=demo-ccb', 'not-a-token')).status).toBe(401);
  });

  it('answers a token request without a verifier with invalid_request', async () => {
    const { code, redirectUri } = await authorizeCode(challenge);
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'leg-cramp-factors' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('serves the large patient over several pages of Observations', async () => {
    const { code, redirectUri } = await authorizeCode(challenge, 'demo-large', 'c');
    const t = (await (await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'c', code_verifier: verifier })).json()) as { access_token: string };
    const first = (await (await fetch(`${ORIGIN}/api/sandbox/fhir/Observation?patient=demo-large&_count=200`, { headers: { Authorization: `Bearer ${t.access_token}` } })).json()) as fhir4.Bundle;
    expect(first.total).toBe(2400);
    expect(first.entry).toHaveLength(200);
    expect(first.link?.some((l) => l.relation === 'next')).toBe(true);
  });
});
