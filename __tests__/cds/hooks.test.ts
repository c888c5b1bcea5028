// The CDS service as a CDS committee would check it, on a real (embedded) store: patient-view speaks
// only for a documented complaint, a quinine order always gets a warning, a snooze from one card
// silences its rules for that patient on both services, rules can be switched off per site, and
// replayed JWTs are refused through the store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Card } from '../../lib/cds/cards';
import { readCdsConfig, type CdsConfig } from '../../lib/cds/config';
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { handleCds, type CdsCall, type CdsDeps } from '../../lib/cds/service';
import { evaluate } from '../../lib/engine/evaluate';
import { patientDataFromBundle } from '../../lib/fhir/fromBundle';
import { knowledge } from '../../lib/knowledge';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { createStore, type CdsStore } from '../../lib/store';
import { NOW } from '../helpers/fhir';

jest.setTimeout(60_000);

const BASE = 'https://cramps.test';
const OPEN: CdsConfig = { ...readCdsConfig({}), jwtRequired: false };
const SNOOZE = { system: 'https://leg-cramp-factors.example.org/override-reason', code: 'snooze-90-days', display: 'Snooze 90 days' };

let store: CdsStore;
let deps: CdsDeps;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-hooks-store-'));
beforeAll(async () => {
  store = await createStore({ kind: 'embedded', dir });
  deps = { store: async () => store };
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const resourcesOf = (id: string) => demoPatients.find((p) => p.id === id)?.resources(NOW) ?? [];
const cramp = (patientId: string, onset = '2026-10-01'): fhir4.Condition => ({
  resourceType: 'Condition',
  id: `cramp-${patientId}`,
  subject: { reference: `Patient/${patientId}` },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'G47.62', display: 'Sleep related leg cramps' }] },
  onsetDateTime: onset,
});
let instance = 0;
const hookInstance = () => `00000000-0000-4000-8000-${String(++instance).padStart(12, '0')}`;

function patientView(patientId: string, resources: readonly fhir4.FhirResource[], config = OPEN, extra: Partial<CdsCall> = {}) {
  const body = { hook: 'patient-view', hookInstance: hookInstance(), context: { userId: 'Practitioner/1', patientId }, prefetch: prefetchFromResources(resources) };
  return handleCds({ method: 'POST', path: 'leg-cramp-factors', body, baseUrl: BASE, now: NOW, ...extra }, config, deps);
}

function draft(id: string, code: string | undefined, text: string, patientId: string): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: code ? { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display: text }], text } : { text },
  };
}

function orderSelect(patientId: string, resources: readonly fhir4.FhirResource[], orders: fhir4.MedicationRequest[], config = OPEN, service = 'leg-cramp-order-select') {
  const all = prefetchFromResources(resources);
  const body = {
    hook: service === 'leg-cramp-order-select' ? 'order-select' : 'order-sign',
    hookInstance: hookInstance(),
    context: {
      userId: 'Practitioner/1',
      patientId,
      selections: orders.map((o) => `MedicationRequest/${o.id}`),
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) },
    },
    prefetch: { patient: all.patient, conditions: all.conditions },
  };
  return handleCds({ method: 'POST', path: service, body, baseUrl: BASE, now: NOW }, config, deps);
}

const cardsOf = (res: { body: unknown }) => (res.body as { cards: Card[] }).cards;
const topics = (res: { body: unknown }) => cardsOf(res).map((c) => `${c.indicator}:${c.source.topic?.code ?? 'gaps'}`);

function feedback(service: string, card: string, reason: typeof SNOOZE | { system: string; code: string; display: string }) {
  return handleCds(
    {
      method: 'POST',
      path: `${service}/feedback`,
      body: { feedback: [{ card, outcome: 'overridden', overrideReason: { reason, userComment: 'Pt. Alex Rivera says cramps gone' }, outcomeTimestamp: NOW.toISOString() }] },
      baseUrl: BASE,
      now: NOW,
    },
    OPEN,
    deps,
  );
}

describe('patient-view speaks only when it matters', () => {
  it('pushes nothing for a patient without a documented complaint (demo-diuretic: furosemide and a low potassium)', async () => {
    const res = await patientView('demo-diuretic', resourcesOf('demo-diuretic'));
    expect(res.status).toBe(200);
    expect(cardsOf(res)).toEqual([]);
  });

  it('with the complaint added, pushes one card per strong or moderate finding or group, each with override reasons and its strongest reference', async () => {
    const res = await patientView('demo-diuretic', [...resourcesOf('demo-diuretic'), cramp('demo-diuretic')]);
    expect(topics(res)).toEqual(['info:potassium-loss']);
    const card = cardsOf(res)[0];
    expect(card?.summary).toBe('Leg cramps: Diuretic (water pill) + Low potassium (potassium loss)');
    expect(card?.source.url).toBe('https://pubmed.ncbi.nlm.nih.gov/22157068/');
    expect(card?.overrideReasons?.map((r) => r.code)).toEqual(['already-addressed', 'not-relevant', 'snooze-90-days']);
  });

  it('demo-complaint: the quinine warning first, then the LABA and the diuretic with its low potassium', async () => {
    const res = await patientView('demo-complaint', resourcesOf('demo-complaint'));
    expect(topics(res)).toEqual(['warning:quinine', 'info:long-acting-beta-agonist', 'info:potassium-loss']);
  });

  it('warns about a current quinine even without a complaint, and says nothing else', async () => {
    const resources = resourcesOf('demo-complaint').filter((r) => r.resourceType !== 'Condition');
    expect(topics(await patientView('demo-complaint', resources))).toEqual(['warning:quinine']);
  });

  it('never pushes cards for a deceased patient, complaint or not', async () => {
    const resources = resourcesOf('demo-complaint').map((r) => (r.resourceType === 'Patient' ? { ...r, deceasedDateTime: '2026-11-01' } : r));
    expect(cardsOf(await patientView('demo-complaint', resources))).toEqual([]);
  });

  it('pushes nothing for old records: demo-old-order with a complaint has only the current amlodipine, gathered as weak', async () => {
    const res = await patientView('demo-old-order', [...resourcesOf('demo-old-order'), cramp('demo-old-order')]);
    expect(topics(res)).toEqual(['info:weak-evidence']);
    expect(cardsOf(res)[0]?.summary).toBe('Leg cramps: 1 more association with weak evidence');
    expect(cardsOf(res)[0]?.detail).not.toContain('Diuretic');
  });

  it('honours CDS_DISABLED_RULES, and says so in discovery', async () => {
    const config = { ...OPEN, ...readCdsConfig({ CDS_DISABLED_RULES: 'quinine, long-acting-beta-agonist' }), jwtRequired: false };
    expect(topics(await patientView('demo-complaint', resourcesOf('demo-complaint'), config))).toEqual(['info:potassium-loss']);
    const discovery = await handleCds({ method: 'GET', path: '', baseUrl: BASE }, config, deps);
    const services = (discovery.body as { services: { id: string; description: string; extension: Record<string, string[]> }[] }).services;
    for (const s of services) {
      expect(s.extension['org.leg-cramp-factors.disabled-rules']).toEqual(['long-acting-beta-agonist', 'quinine']);
      expect(s.description).toContain('Rules switched off at this site: long-acting-beta-agonist, quinine.');
    }
  });

  it('CDS_PATIENT_VIEW_TRIGGER=always speaks without a complaint; anything else is a configuration error', async () => {
    const config = { ...readCdsConfig({ CDS_PATIENT_VIEW_TRIGGER: 'always' }), jwtRequired: false };
    expect(topics(await patientView('demo-diuretic', resourcesOf('demo-diuretic'), config))).toEqual(['info:potassium-loss']);
    expect(() => readCdsConfig({ CDS_PATIENT_VIEW_TRIGGER: 'sometimes' })).toThrow(/CDS_PATIENT_VIEW_TRIGGER/);
  });
});

describe('order-select and order-sign', () => {
  const quinine = draft('q1', undefined, 'Quinine sulfate 324 mg capsule', 'demo-diuretic');
  const furosemide = draft('f1', '313988', 'Furosemide 40 MG Oral Tablet', 'demo-diuretic');
  const salmeterol = draft('s1', '36117', 'salmeterol', 'demo-diuretic');

  it('answers a draft quinine with a warning and a suggestion to remove the draft, whatever the complaint', async () => {
    for (const service of ['leg-cramp-order-select', 'leg-cramp-order-sign']) {
      const res = await orderSelect('demo-diuretic', resourcesOf('demo-diuretic'), [quinine], OPEN, service);
      expect(res.status).toBe(200);
      const [card] = cardsOf(res);
      expect(card?.indicator).toBe('warning');
      expect(card?.source.url).toBe('https://www.fda.gov/drugs/drug-safety-and-availability');
      expect(card?.selectionBehavior).toBe('at-most-one');
      expect(card?.suggestions).toEqual([
        {
          label: 'Remove the quinine order',
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          isRecommended: true,
          actions: [{ type: 'delete', description: 'Remove the draft order for Quinine sulfate 324 mg capsule', resourceId: 'MedicationRequest/q1' }],
        },
      ]);
    }
  });

  it('speaks of a drafted furosemide or LABA only when the record documents a complaint', async () => {
    expect(cardsOf(await orderSelect('demo-diuretic', resourcesOf('demo-diuretic'), [furosemide, salmeterol]))).toEqual([]);
    const res = await orderSelect('demo-diuretic', [...resourcesOf('demo-diuretic'), cramp('demo-diuretic')], [furosemide, salmeterol]);
    expect(topics(res)).toEqual(['info:diuretic', 'info:long-acting-beta-agonist']);
    expect(cardsOf(res)[1]?.summary).toBe('Leg cramps documented: salmeterol is associated with cramps (evidence: strong)');
  });

  it('refuses an order request without draftOrders, or with the wrong hook', async () => {
    const bad = await handleCds(
      { method: 'POST', path: 'leg-cramp-order-select', body: { hook: 'order-select', hookInstance: hookInstance(), context: { userId: 'Practitioner/1', patientId: 'p1' } }, baseUrl: BASE },
      OPEN,
      deps,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/draftOrders/);
    const wrong = await handleCds(
      {
        method: 'POST',
        path: 'leg-cramp-order-select',
        body: { hook: 'order-sign', hookInstance: hookInstance(), context: { userId: 'Practitioner/1', patientId: 'p1', draftOrders: { resourceType: 'Bundle', entry: [] } } },
        baseUrl: BASE,
      },
      OPEN,
      deps,
    );
    expect(wrong.status).toBe(400);
  });
});

describe('clinician controls through the store', () => {
  it('a "Snooze 90 days" override silences that card’s rules for that patient on both services, and nothing else', async () => {
    const patient = 'demo-complaint';
    const first = await patientView(patient, resourcesOf(patient));
    const laba = cardsOf(first).find((c) => c.source.topic?.code === 'long-acting-beta-agonist');
    expect(laba).toBeDefined();
    expect((await feedback('leg-cramp-factors', laba?.uuid ?? '', SNOOZE)).status).toBe(200);
    expect(topics(await patientView(patient, resourcesOf(patient)))).toEqual(['warning:quinine', 'info:potassium-loss']);
    // The order service honours it too: a drafted salmeterol says nothing for this patient...
    const salmeterol = draft('s2', '36117', 'salmeterol', patient);
    expect(cardsOf(await orderSelect(patient, resourcesOf(patient), [salmeterol]))).toEqual([]);
    // ...while another patient with a complaint still hears about it.
    const other = [...resourcesOf('demo-laba'), cramp('demo-laba')];
    expect(topics(await patientView('demo-laba', other))).toEqual(['info:long-acting-beta-agonist']);
  });

  it('"Already addressed" is recorded but snoozes nothing; the feedback report counts both, and no comment is kept', async () => {
    const patient = 'demo-spironolactone';
    const resources = [...resourcesOf(patient), cramp(patient)];
    const card = cardsOf(await patientView(patient, resources)).find((c) => c.source.topic?.code === 'potassium-sparing-diuretic');
    expect(card).toBeDefined();
    await feedback('leg-cramp-factors', card?.uuid ?? '', { system: SNOOZE.system, code: 'already-addressed', display: 'Already addressed' });
    expect(cardsOf(await patientView(patient, resources)).some((c) => c.source.topic?.code === 'potassium-sparing-diuretic')).toBe(true);
    const report = await store.feedbackReport();
    const row = (id: string) => report.rules.find((r) => r.ruleId === id);
    expect(row('potassium-sparing-diuretic')).toMatchObject({ overridden: 1, reasons: [{ code: 'already-addressed', count: 1 }] });
    expect(row('long-acting-beta-agonist')).toMatchObject({ overridden: 1, reasons: [{ code: 'snooze-90-days', count: 1 }] });
    expect(JSON.stringify(report)).not.toMatch(/Alex Rivera|cramps gone|demo-/);
  });

  it('refuses a replayed JWT through the store', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' };
    const config = { ...readCdsConfig({ CDS_TRUSTED_ISSUERS: JSON.stringify({ 'https://ehr.test': { jwks: { keys: [jwk] } } }) }), publicBaseUrl: BASE };
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'k1', typ: 'JWT' })
      .setIssuer('https://ehr.test')
      .setAudience(`${BASE}/cds-services/leg-cramp-factors`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(`jti-${Date.now()}`)
      .sign(privateKey);
    const once = await patientView('demo-diuretic', resourcesOf('demo-diuretic'), config, { authorization: `Bearer ${token}` });
    expect(once.status).toBe(200);
    const again = await patientView('demo-diuretic', resourcesOf('demo-diuretic'), config, { authorization: `Bearer ${token}` });
    expect(again).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
  });
});

const SANDBOX_DIR = path.resolve(__dirname, '../../../shared/reference/sandbox-patients');
(fs.existsSync(SANDBOX_DIR) ? describe : describe.skip)('over the public SMART sandbox bundles', () => {
  const files = fs.existsSync(SANDBOX_DIR) ? fs.readdirSync(SANDBOX_DIR).filter((f) => /^[0-9a-f-]{36}\.json$/.test(f)) : [];
  const load = (f: string) => (JSON.parse(fs.readFileSync(path.join(SANDBOX_DIR, f), 'utf8')) as fhir4.Bundle).entry?.map((e) => e.resource as fhir4.FhirResource) ?? [];
  const at = new Date('2021-06-01T00:00:00Z');

  it('pushes nothing for any patient without a complaint; with one added, every living patient with a current strong or moderate finding gets a card for it', async () => {
    let withComplaint = 0;
    for (const f of files) {
      const id = f.slice(0, -5);
      const resources = load(f);
      const silent = await patientView(id, resources, OPEN, { now: at });
      expect({ id, cards: cardsOf(silent) }).toEqual({ id, cards: [] });
      const spoken = await patientView(id, [...resources, cramp(id, '2021-05-01')], OPEN, { now: at });
      withComplaint += cardsOf(spoken).length;
      const { data } = patientDataFromBundle({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
      const result = evaluate(knowledge(), data, at);
      const needed = result.deceased ? [] : result.findings.filter((x) => !x.verify && (x.level === 'strong' || x.level === 'moderate')).map((x) => x.ruleId);
      const covered = cardsOf(spoken).flatMap((c) => [c.source.topic?.code ?? '', ...result.linked.filter((l) => l.linkId === c.source.topic?.code).flatMap((l) => l.ruleIds)]);
      for (const rule of needed) expect({ id, rule, covered: covered.includes(rule) }).toEqual({ id, rule, covered: true });
    }
    // Written from the data (2021-06-01): 11 cards for 9 of the 12 patients once a complaint is added.
    expect(withComplaint).toBe(11);
  });
});
