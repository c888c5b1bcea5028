// The demo EHR's CDS views in Chromium, against the production build and its own (fresh) CDS store:
// the complaint switch makes patient-view speak, "Snooze 90 days" sends feedback and the card is gone
// on the next call (on both services), the order-select picker gets the quinine warning with its
// removal suggestion and the complaint-gated info card, and axe finds nothing on either view.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { ORIGIN, ROOT } from './server';

const ARTIFACTS = path.join(ROOT, 'test-results');
const DIURETIC_CARD = 'Leg cramps: Diuretic (water pill) + Low potassium (potassium loss)';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(bypassCSP = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP });
  return context.newPage();
}

const summaries = (page: Page) => page.locator('li.cds-card h2').allTextContents();
const indicators = (page: Page) => page.locator('li.cds-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-indicator')));
const card = (page: Page, summary: string | RegExp) => page.locator('li.cds-card', { has: page.getByRole('heading', { name: summary }) });
const complaintSwitch = (page: Page) => page.getByRole('button', { name: 'Documented leg-cramp complaint' });

/** Picks a draft and waits for the view that called order-select with it (the address names the draft). */
async function pick(page: Page, label: string, key: string): Promise<void> {
  expect(new URL(page.url()).searchParams.get('order')).not.toBe(key);
  await page.getByRole('radio', { name: new RegExp(`^${label}`) }).check();
  await Promise.all([page.waitForURL((url) => url.searchParams.get('order') === key), page.getByRole('button', { name: 'Select order' }).click()]);
  await page.waitForSelector('#draft-heading');
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  const results = (await page.evaluate(() => (window as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as {
    violations: { id: string; impact: string | null }[];
    passes: unknown[];
  };
  console.log(`axe ${new URL(page.url()).pathname}: ${results.passes.length} rules passed, ${results.violations.length} violations`);
  return results.violations.map((v) => `${v.id}/${v.impact}`);
}

describe('demo EHR patient-view: complaint switch and snooze', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it('shows no finding card for demo-diuretic without a complaint, and its card once the complaint is switched on', async () => {
    await page.goto(`${ORIGIN}/sandbox`);
    await page.getByRole('link', { name: 'CDS Hooks cards for Walter Hughes' }).click();
    await page.waitForURL(/\/sandbox\/cds\?patient=demo-diuretic$/, { timeout: 30_000 });
    await expect(page.locator('main').textContent()).resolves.toContain('Answer: HTTP 200, 0 cards.');
    expect(await summaries(page)).toEqual([]);
    await expect(complaintSwitch(page).getAttribute('aria-pressed')).resolves.toBe('false');
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText(/^No cards: without a documented leg-cramp complaint/).waitFor({ timeout: 30_000 });
    await expect(page.getByText(/^No cards: without a documented leg-cramp complaint/).count()).resolves.toBe(1);

    await Promise.all([page.waitForURL(/complaint=1/), complaintSwitch(page).click()]);
    await expect(complaintSwitch(page).getAttribute('aria-pressed')).resolves.toBe('true');
    expect(await summaries(page)).toEqual([DIURETIC_CARD]);
    const diuretic = card(page, DIURETIC_CARD);
    // Indicator, rendered Markdown detail (emphasis and a list, no raw Markdown), source, SMART link, override reasons.
    await expect(diuretic.locator('.cds-indicator').textContent()).resolves.toBe('Info');
    await expect(diuretic.locator('.cds-detail strong').count()).resolves.toBeGreaterThan(0);
    await expect(diuretic.locator('.cds-detail li').count()).resolves.toBeGreaterThan(0);
    expect(await diuretic.locator('.cds-detail').textContent()).not.toMatch(/\*\*|\\\(/);
    await expect(diuretic.locator('.cds-source').textContent()).resolves.toMatch(/^Source: \S/);
    await expect(diuretic.getByRole('link', { name: 'Open Leg cramp factors' }).count()).resolves.toBe(1);
    const reasons = await diuretic.locator('.cds-actions button').allTextContents();
    expect(reasons).toEqual(['Already addressed', 'Not relevant to this patient', 'Snooze 90 days']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'cds-patient-view.png'), fullPage: true });
  });

  it('"Snooze 90 days" sends feedback, and the next call leaves the card out and says it is snoozed', async () => {
    await Promise.all([page.waitForURL(/notice=snoozed/), card(page, DIURETIC_CARD).getByRole('button', { name: 'Snooze 90 days' }).click()]);
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText('Snoozed for 90 days for this patient', { exact: false }).waitFor({ timeout: 30_000 });
    await expect(page.getByText('Snoozed for 90 days for this patient', { exact: false }).count()).resolves.toBe(1);
    // The view called the service again, with the complaint still switched on: the card is gone.
    await expect(complaintSwitch(page).getAttribute('aria-pressed')).resolves.toBe('true');
    expect(await summaries(page)).toEqual([]);
    await expect(page.locator('main').textContent()).resolves.toContain('Answer: HTTP 200, 0 cards.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'cds-patient-view-snoozed.png'), fullPage: true });
  });

  it('the snooze also silences those rules on order-select for this patient', async () => {
    await page.goto(`${ORIGIN}/sandbox/orders?patient=demo-diuretic&complaint=1`);
    await pick(page, 'Furosemide 40 mg tablet', 'furosemide');
    expect(await summaries(page)).toEqual([]);
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText(/^No cards for this draft order/).waitFor({ timeout: 30_000 });
    await expect(page.getByText(/^No cards for this draft order/).count()).resolves.toBe(1);
  });
});

describe('demo EHR order-select: draft-order picker', () => {
  let page: Page;
  beforeAll(async () => {
    page = await newPage();
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it('picking quinine gets a warning card whose suggestion removes the draft', async () => {
    await page.goto(`${ORIGIN}/sandbox`);
    await page.getByRole('link', { name: 'Medication orders (CDS order-select) for Grace Liu' }).click();
    await page.waitForURL(/\/sandbox\/orders\?patient=demo-nothing$/, { timeout: 30_000 });
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText('No draft order. Pick a drug above', { exact: false }).waitFor({ timeout: 30_000 });
    await expect(page.getByText('No draft order. Pick a drug above', { exact: false }).count()).resolves.toBe(1);
    await pick(page, 'Quinine sulfate 324 mg capsule', 'quinine');
    expect(await indicators(page)).toEqual(['warning']);
    const quinine = card(page, /^Quinine is not recommended for leg cramps \(FDA\)/);
    await expect(quinine.locator('.cds-indicator').textContent()).resolves.toBe('Warning');
    const remove = quinine.getByRole('button', { name: 'Remove the quinine order' });
    await expect(remove.count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'cds-order-select.png'), fullPage: true });

    await Promise.all([page.waitForURL(/notice=removed/), remove.click()]);
    expect(new URL(page.url()).searchParams.get('order')).toBeNull();
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText('Suggestion accepted: the draft order for Quinine sulfate 324 mg capsule was removed.').waitFor({ timeout: 30_000 });
    await expect(page.getByText('Suggestion accepted: the draft order for Quinine sulfate 324 mg capsule was removed.').count()).resolves.toBe(1);
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText('No draft order. Pick a drug above', { exact: false }).waitFor({ timeout: 30_000 });
    await expect(page.getByText('No draft order. Pick a drug above', { exact: false }).count()).resolves.toBe(1);
    await expect(page.getByRole('radio', { name: /^Quinine/ }).isChecked()).resolves.toBe(false);
    expect(await summaries(page)).toEqual([]);
  });

  it('furosemide gets no card without a complaint, and an info card with one', async () => {
    await page.goto(`${ORIGIN}/sandbox/orders?patient=demo-nothing`);
    await pick(page, 'Furosemide 40 mg tablet', 'furosemide');
    await expect(page.locator('#draft-heading + p').textContent()).resolves.toMatch(/Furosemide 40 mg tablet .*status draft\. Answer from the service: HTTP 200, 0 cards\./);
    expect(await summaries(page)).toEqual([]);

    await Promise.all([page.waitForURL(/complaint=1/), complaintSwitch(page).click()]);
    // The switch keeps the picked draft and calls order-select again.
    await expect(page.getByRole('radio', { name: /^Furosemide/ }).isChecked()).resolves.toBe(true);
    expect(await indicators(page)).toEqual(['info']);
    expect((await summaries(page))[0]).toMatch(/^Leg cramps documented: Furosemide 40 MG Oral Tablet is associated with cramps \(evidence: \w+\)$/);
  });

  it('"Snooze 90 days" works on order-select too', async () => {
    await page.goto(`${ORIGIN}/sandbox/orders?patient=demo-ccb`);
    await pick(page, 'Quinine sulfate 324 mg capsule', 'quinine');
    expect(await indicators(page)).toEqual(['warning']);
    await Promise.all([page.waitForURL(/notice=snoozed/), page.getByRole('button', { name: 'Snooze 90 days' }).click()]);
    // Client-side navigation changes the address before the new view renders: wait for it.
    await page.getByText('Snoozed for 90 days for this patient', { exact: false }).waitFor({ timeout: 30_000 });
    await expect(page.getByText('Snoozed for 90 days for this patient', { exact: false }).count()).resolves.toBe(1);
    // Same draft, called again: no card.
    await expect(page.getByRole('radio', { name: /^Quinine/ }).isChecked()).resolves.toBe(true);
    expect(await summaries(page)).toEqual([]);
  });
});

describe('demo EHR CDS views: accessibility', () => {
  it.each([
    ['patient-view with cards', '/sandbox/cds?patient=demo-complaint', 'some'],
    ['patient-view without cards', '/sandbox/cds?patient=demo-nothing', 'none'],
    ['order-select with a warning', '/sandbox/orders?patient=demo-complaint&order=quinine', 'some'],
    ['order-select with an info card', '/sandbox/orders?patient=demo-complaint&order=fluticasone-salmeterol', 'some'],
  ])('axe finds no violations on %s', async (_name, url, cards) => {
    // The app's CSP rightly refuses the injected axe script; only this test's browser context ignores it.
    const page = await newPage(true);
    await page.goto(`${ORIGIN}${url}`);
    await page.waitForSelector('h1');
    const count = await page.locator('li.cds-card').count();
    if (cards === 'none') expect(count).toBe(0);
    else expect(count).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('every card action is a keyboard-reachable button', async () => {
    const page = await newPage();
    await page.goto(`${ORIGIN}/sandbox/orders?patient=demo-complaint&order=quinine`);
    const seen: string[] = [];
    for (let i = 0; i < 40 && seen.length < 4; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return el?.tagName === 'BUTTON' && el.closest('li.cds-card') ? el.textContent : null;
      });
      if (focused) seen.push(focused);
    }
    expect(seen).toEqual(['Remove the quinine order', 'Already addressed', 'Not relevant to this patient', 'Snooze 90 days']);
    await page.context().close();
  });
});
