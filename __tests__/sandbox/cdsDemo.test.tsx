/** @jest-environment jest-fixed-jsdom */
// The demo EHR's CDS views, below the browser: card Markdown rendered without HTML injection, the
// drafts the picker sends matched by the engine as the brief expects, the added complaint recognised
// by the engine, and the feedback form checked before anything is sent.
import { render } from '@testing-library/react';
import { CardMarkdown, safeHref } from '../../lib/sandbox/markdown';
import { addedComplaint, draftOrder, draftOrdersBundle } from '../../lib/sandbox/demoCds';
import { DRAFT_CHOICES } from '../../lib/sandbox/cdsViewState';
import { handleDemoFeedback, fromDemoPage } from '../../lib/sandbox/demoFeedback';
import type { DemoFeedback } from '../../lib/sandbox/cdsClient';
import { matchDraftOrders } from '../../lib/engine/orders';
import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { patientDataFromBundle } from '../../lib/fhir/fromBundle';

describe('card detail Markdown', () => {
  it('renders emphasis, lists, code and https links as elements', () => {
    const { container } = render(<CardMarkdown source={'**Furosemide** is a diuretic\n\n- K `Observation/k1`\n- _note_\n\n[Katzberg 2010](https://example.org/a)'} />);
    expect(container.querySelector('strong')?.textContent).toBe('Furosemide');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('code')?.textContent).toBe('Observation/k1');
    expect(container.querySelector('em')?.textContent).toBe('note');
    expect(container.querySelector('a')?.getAttribute('href')).toBe('https://example.org/a');
  });

  it('never turns HTML or script links into elements', () => {
    const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script> [click](javascript:alert(3)) [d](data:text/html,hi) <a href="https://evil.test">x</a>';
    const { container } = render(<CardMarkdown source={hostile} />);
    expect(container.querySelector('img, script, iframe')).toBeNull();
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([]);
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('/relative')).toBeUndefined();
  });
});

describe('what the demo sends', () => {
  const now = new Date('2026-11-25T10:00:00Z');

  it('draft orders match the rules the brief names', () => {
    const orders = DRAFT_CHOICES.map((c) => draftOrder('demo-diuretic', c, now));
    for (const o of orders) expect(o).toMatchObject({ status: 'draft', intent: 'order', subject: { reference: 'Patient/demo-diuretic' } });
    const matched = matchDraftOrders(knowledge(), draftOrdersBundle(orders));
    const rules = Object.fromEntries(matched.map((m) => [m.reference, m.rules.map((r) => r.ruleId)]));
    expect(rules['MedicationRequest/draft-quinine']).toContain('quinine');
    expect(rules['MedicationRequest/draft-fluticasone-salmeterol']).toContain('long-acting-beta-agonist');
    expect(rules['MedicationRequest/draft-spironolactone']).toContain('potassium-sparing-diuretic');
    expect(rules['MedicationRequest/draft-furosemide']).toContain('diuretic');
  });

  it('the added Condition is a documented complaint for the engine', () => {
    const resources = demoPatients.find((p) => p.id === 'demo-diuretic')!.resources(now);
    const judge = (extra: fhir4.FhirResource[]) =>
      evaluate(knowledge(), patientDataFromBundle({ resourceType: 'Bundle', type: 'collection', entry: [...resources, ...extra].map((resource) => ({ resource })) }).data, now);
    const base = judge([]);
    const withComplaint = judge([addedComplaint('demo-diuretic', now)]);
    expect(base.complaint.recorded).toBe(false);
    expect(withComplaint.complaint.recorded).toBe(true);
  });
});

describe('the feedback form', () => {
  const CARD = '0b0f6c9e-3f0a-4e36-9d3c-2f3e6a1b2c3d';
  const sent: { service: string; card: string; feedback: DemoFeedback }[] = [];
  const send = async (_origin: string, service: string, card: string, feedback: DemoFeedback) => {
    sent.push({ service, card, feedback });
    return { status: 200, body: {} };
  };
  beforeEach(() => (sent.length = 0));
  const reason = { reasonSystem: 'https://leg-cramp-factors.example.org/override-reason', reasonCode: 'snooze-90-days', reasonDisplay: 'Snooze 90 days' };

  it('sends a snooze as overridden feedback and comes back to the same view saying so', async () => {
    const out = await handleDemoFeedback({ patient: 'demo-diuretic', service: 'leg-cramp-factors', view: 'cds', card: CARD, complaint: '1', ...reason }, 'http://localhost:1', send as never);
    expect(out).toEqual({ status: 303, location: '/sandbox/cds?patient=demo-diuretic&complaint=1&notice=snoozed' });
    expect(sent).toEqual([{ service: 'leg-cramp-factors', card: CARD, feedback: { outcome: 'overridden', reason: { system: reason.reasonSystem, code: 'snooze-90-days', display: 'Snooze 90 days' } } }]);
  });

  it('accepting the quinine suggestion sends accepted feedback and drops the draft', async () => {
    const suggestion = '9a1f6c9e-3f0a-4e36-9d3c-2f3e6a1b2c3d';
    const out = await handleDemoFeedback({ patient: 'demo-diuretic', service: 'leg-cramp-order-select', view: 'orders', card: CARD, order: 'quinine', suggestion }, 'http://localhost:1', send as never);
    expect(out.location).toBe('/sandbox/orders?patient=demo-diuretic&notice=removed&removed=quinine');
    expect(sent[0]?.feedback).toEqual({ outcome: 'accepted', suggestion });
  });

  it('refuses unknown patients, services and card ids without sending anything', async () => {
    expect((await handleDemoFeedback({ patient: 'someone', service: 'leg-cramp-factors', card: CARD, ...reason }, 'o', send as never)).status).toBe(400);
    expect((await handleDemoFeedback({ patient: 'demo-diuretic', service: 'evil', card: CARD, ...reason }, 'o', send as never)).status).toBe(400);
    expect((await handleDemoFeedback({ patient: 'demo-diuretic', service: 'leg-cramp-factors', card: 'x', ...reason }, 'o', send as never)).status).toBe(400);
    expect(sent).toEqual([]);
  });

  it('says when the service refused the feedback', async () => {
    const refuse = async () => ({ status: 401, body: { error: 'Unauthorized' } });
    const out = await handleDemoFeedback({ patient: 'demo-diuretic', service: 'leg-cramp-factors', view: 'cds', card: CARD, ...reason }, 'o', refuse);
    expect(out.location).toBe('/sandbox/cds?patient=demo-diuretic&notice=feedback-failed&status=401');
  });

  it('takes posts from the demo pages only', () => {
    expect(fromDemoPage({ 'sec-fetch-site': 'same-origin' }, 'http://localhost:3000')).toBe(true);
    expect(fromDemoPage({ 'sec-fetch-site': 'cross-site', origin: 'http://localhost:3000' }, 'http://localhost:3000')).toBe(false);
    expect(fromDemoPage({ origin: 'https://evil.test' }, 'http://localhost:3000')).toBe(false);
    expect(fromDemoPage({ origin: 'http://localhost:3000' }, 'http://localhost:3000')).toBe(true);
  });
});
