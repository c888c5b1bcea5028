// The CDS store over real HTTP, on the production build (issue 12, "Tests: Store"): extra `next start`
// processes of the same build, each with its own store configuration, called with prefetch-complete requests
// (no FHIR server) and ES384 JWTs signed with a key this file generates and the servers trust.
//  - Embedded store: a snooze and a used JWT survive a restart of the server on the same folder.
//  - PostgreSQL: two servers on one database share replay protection and snoozes, and no table holds a raw
//    patient id. PostgreSQL comes from CDS_TEST_DATABASE_URL (a fresh database is created on it) or a throwaway
//    cluster (scripts/test-postgres.sh); without either this part is skipped, unless CDS_TEST_REQUIRE_POSTGRES=1.
// Ports: E2E_PORT + 1 .. E2E_PORT + 3 (the shared e2e server has E2E_PORT).
// The JWTs are signed with node:crypto: jose ships ES modules only and the e2e Jest config does not transform it.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { everyStoredValue, startTestPostgres, tempDir, withDatabase, type TestPostgres } from '../store/helpers';
import { PORT, spawnApp } from './server';

jest.setTimeout(60_000);

/** The public base URL every instance is configured with (as behind one load balancer): the JWT audience. */
const PUBLIC_BASE = 'https://cramps.example.org';
const ISSUER = 'https://store-e2e-ehr.example.org';
const SECRET = 'e2e-store-secret-0123456789-abcdefghij';
const SNOOZE = { system: 'https://leg-cramp-factors.example.org/override-reason', code: 'snooze-90-days' };
const LABA = 'long-acting-beta-agonist';
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';

// ---- JWT signing (ES384, a key of our own) -------------------------------------------------------------
const KID = 'store-e2e-1';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const JWKS = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES384', use: 'sig' }] };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A fresh JWT for one service URL (a new jti each time). */
function jwt(audience: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const signingInput = `${b64({ alg: 'ES384', typ: 'JWT', kid: KID })}.${b64({ iss: ISSUER, aud: audience, iat, exp: iat + 300, jti: randomUUID() })}`;
  // JWS wants the raw r||s form of the ECDSA signature, not DER.
  const signature = sign('sha384', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
const audience = (serviceId: string, feedback = false) => `${PUBLIC_BASE}/cds-services/${serviceId}${feedback ? '/feedback' : ''}`;

// ---- Servers ---------------------------------------------------------------------------------------------
interface App {
  readonly origin: string;
  readonly child: ChildProcess;
  readonly logs: string[];
  stop(): Promise<void>;
}
const running = new Set<App>();

/** The environment without anything that would pick another store, issuer or the demo EHR. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(CDS_|SANDBOX_|DATABASE_URL$|PORT$)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    NODE_ENV: 'production',
    CDS_PUBLIC_BASE_URL: PUBLIC_BASE,
    CDS_TRUSTED_ISSUERS: JSON.stringify({ [ISSUER]: { jwks: JWKS } }),
    ...extra,
  } as NodeJS.ProcessEnv;
}

/** Starts the production server of the e2e build on this port and waits until its store is open (readiness). */
async function startApp(port: number, env: Record<string, string>): Promise<App> {
  const child = spawnApp(port, {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const app: App = {
    origin,
    child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(app);
    },
  };
  running.add(app);
  // The server opens the store when it starts; readiness then reports it.
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${origin}/cds-services`);
      const ready = (await (await fetch(`${origin}/api/health?ready`)).json()) as { checks?: Record<string, string> };
      if (ready.checks?.store === 'ok') return app;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await app.stop();
  throw new Error(`the server on port ${port} did not get ready:\n${logs.join('').slice(-2000)}`);
}

afterAll(async () => {
  await Promise.all([...running].map((app) => app.stop()));
});

// ---- Requests --------------------------------------------------------------------------------------------
interface Card {
  uuid: string;
  summary: string;
  source: { topic?: { code: string } };
}

/** The demo patient with a documented leg-cramp complaint, under a new id (so no other run shares its snoozes). */
function complaintPatient(): { id: string; resources: fhir4.FhirResource[] } {
  const demo = demoPatients.find((p) => p.id === 'demo-complaint');
  if (!demo) throw new Error('demo-complaint is missing from lib/sandbox/demoPatients.ts');
  const id = `store-e2e-${randomUUID().slice(0, 8)}`;
  const resources = JSON.parse(JSON.stringify(demo.resources(new Date())).replaceAll('demo-complaint', id)) as fhir4.FhirResource[];
  return { id, resources };
}

const patientView = (p: { id: string; resources: fhir4.FhirResource[] }) => ({
  hook: 'patient-view',
  hookInstance: randomUUID(),
  context: { userId: 'Practitioner/store-e2e', patientId: p.id },
  prefetch: prefetchFromResources(p.resources),
});

/** order-select for one draft MedicationRequest (RxNorm code, or none, and name), prefetch with the Patient and Conditions. */
const orderSelect = (p: { id: string; resources: fhir4.FhirResource[] }, code: string | undefined, name: string) => ({
  hook: 'order-select',
  hookInstance: randomUUID(),
  context: {
    userId: 'Practitioner/store-e2e',
    patientId: p.id,
    selections: ['MedicationRequest/draft-1'],
    draftOrders: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order', subject: { reference: `Patient/${p.id}` },
            medicationCodeableConcept: code ? { coding: [{ system: RX, code, display: name }], text: name } : { text: name },
          },
        },
      ],
    },
  },
  prefetch: prefetchFromResources(p.resources, ['patient', 'conditions']),
});

async function post(app: App, servicePath: string, body: unknown, token: string): Promise<{ status: number; body: { cards?: Card[]; error?: string } }> {
  const res = await fetch(`${app.origin}/cds-services/${servicePath}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { cards?: Card[]; error?: string } };
}

/** Calls a service with a fresh JWT, expects 200, and gives the cards' topic codes and the cards. */
async function cardsFrom(app: App, serviceId: string, body: unknown): Promise<{ topics: string[]; cards: Card[] }> {
  const answer = await post(app, serviceId, body, jwt(audience(serviceId)));
  expect(answer.status).toBe(200);
  const cards = answer.body.cards ?? [];
  return { topics: cards.map((c) => c.source.topic?.code ?? '(none)'), cards };
}

/** Overridden feedback with the "Snooze 90 days" reason for one card, through the service's feedback endpoint. */
async function snooze(app: App, serviceId: string, card: string): Promise<void> {
  const body = {
    feedback: [{ card, outcome: 'overridden', overrideReason: { reason: { ...SNOOZE, display: 'Snooze 90 days' }, userComment: 'seen' }, outcomeTimestamp: new Date().toISOString() }],
  };
  const answer = await post(app, `${serviceId}/feedback`, body, jwt(audience(serviceId, true)));
  expect(answer).toEqual({ status: 200, body: {} });
}

const cardFor = (cards: Card[], topic: string): Card => {
  const card = cards.find((c) => c.source.topic?.code === topic);
  if (!card) throw new Error(`no ${topic} card among ${cards.map((c) => c.summary).join(' | ')}`);
  return card;
};

/** Whether the server's security log reports a replay (its stdout may arrive a moment after the answer). */
async function replayLogged(app: App): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (app.logs.join('').includes('"event":"auth.replay"')) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// ---- (a) Embedded store: restart ------------------------------------------------------------------------
describe('CDS store over HTTP: the embedded store across a restart', () => {
  // Made in the test, so a run that skips it (-t) leaves no folder behind.
  let parent: string | undefined;
  afterAll(() => parent && fs.rmSync(parent, { recursive: true, force: true }));

  test('a snooze sent before the restart still silences that card after it, and a JWT used before it is refused after it', async () => {
    parent = tempDir('cds-store-e2e-');
    const dir = path.join(parent, 'store');
    const patient = complaintPatient();
    const other = complaintPatient();
    const port = PORT + 1;

    const first = await startApp(port, { CDS_STORE_DIR: dir });
    const used = jwt(audience('leg-cramp-factors'));
    const before = await post(first, 'leg-cramp-factors', patientView(patient), used);
    expect(before.status).toBe(200);
    const topics = (before.body.cards ?? []).map((c) => c.source.topic?.code);
    expect(topics).toEqual(expect.arrayContaining(['quinine', LABA]));
    await snooze(first, 'leg-cramp-factors', cardFor(before.body.cards ?? [], LABA).uuid);
    expect((await cardsFrom(first, 'leg-cramp-factors', patientView(patient))).topics).not.toContain(LABA);
    // The committee's report works while the server holds the folder: from the snapshot the server keeps.
    const snapshotFile = path.join(dir, 'feedback-report.json');
    for (let i = 0; i < 100 && !(fs.existsSync(snapshotFile) && fs.readFileSync(snapshotFile, 'utf8').includes(LABA)); i++) await new Promise((r) => setTimeout(r, 50));
    const report = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/cds-feedback-report.ts')], {
      env: { PATH: process.env.PATH ?? '', CDS_STORE_DIR: dir } as unknown as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    const printed = JSON.parse(report.stdout) as { source: string; writtenBy: number; rules: { ruleId: string }[] };
    expect(printed).toEqual(expect.objectContaining({ source: 'snapshot', writtenBy: first.child.pid, cardsSentWithinDays: 30 }));
    // The LABA card went out once (the call after the snooze left it out) and was snoozed; the quinine card went
    // out and nobody answered it (whether the snapshot already counts the second call's card depends on timing).
    const rule = (id: string) => printed.rules.find((r) => r.ruleId === id);
    expect(rule(LABA)).toEqual({ ruleId: LABA, cardsSent: 1, accepted: 0, overridden: 1, reasons: [{ system: SNOOZE.system, code: SNOOZE.code, count: 1 }] });
    expect(rule('quinine')).toEqual({ ruleId: 'quinine', cardsSent: expect.any(Number), accepted: 0, overridden: 0, reasons: [] });
    expect((rule('quinine') as unknown as { cardsSent: number }).cardsSent).toBeGreaterThanOrEqual(1);
    await first.stop();
    expect(first.child.exitCode !== null || first.child.signalCode !== null).toBe(true);

    const second = await startApp(port, { CDS_STORE_DIR: dir });
    expect(second.child.pid).not.toBe(first.child.pid);
    const after = await cardsFrom(second, 'leg-cramp-factors', patientView(patient));
    // The snoozed rule's card is gone; the patient's other cards are still sent.
    expect(after.topics).not.toContain(LABA);
    expect(after.topics).toEqual(topics.filter((t) => t !== LABA));
    // Per patient: another patient with the same record still gets it.
    expect((await cardsFrom(second, 'leg-cramp-factors', patientView(other))).topics).toContain(LABA);
    // The JWT used before the restart is a replay for the new process.
    const replay = await post(second, 'leg-cramp-factors', patientView(patient), used);
    expect(replay).toEqual({ status: 401, body: { error: 'Unauthorized' } });
    expect(await replayLogged(second)).toBe(true);
    await second.stop();

    // Neither the server logs nor the store's files hold the patient ids.
    for (const id of [patient.id, other.id]) {
      expect([...first.logs, ...second.logs].join('')).not.toContain(id);
      const holders = (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name))
        .filter((file) => fs.readFileSync(file).includes(id));
      expect(holders).toEqual([]);
    }
  });
});

// ---- (b, c) PostgreSQL: two instances -------------------------------------------------------------------
const pgServer: TestPostgres = startTestPostgres();
if (!('url' in pgServer)) console.warn(`CDS store e2e on PostgreSQL skipped: ${pgServer.skipped}`);
const describePg = 'url' in pgServer ? describe : describe.skip;

describePg('CDS store over HTTP: two instances on one PostgreSQL', () => {
  const database = `cds_e2e_${randomUUID().replace(/-/g, '')}`;
  let url = '';
  let a: App;
  let b: App;
  const patient = complaintPatient();
  const admin = () => new Client({ connectionString: 'url' in pgServer ? pgServer.url : '' });

  beforeAll(async () => {
    if (!('url' in pgServer)) return;
    // A database of our own, so the store tests sharing CDS_TEST_DATABASE_URL never see these rows.
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
    url = withDatabase(pgServer.url, database);
    const env = { DATABASE_URL: url, CDS_STORE_SECRET: SECRET };
    [a, b] = await Promise.all([startApp(PORT + 2, env), startApp(PORT + 3, env)]);
  });
  afterAll(async () => {
    await Promise.all([a, b].map((app) => app?.stop()));
    if ('url' in pgServer) {
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      await client.end();
      pgServer.stop();
    }
  });

  test('a JWT accepted by one instance is refused by the other (replay), which accepts fresh ones', async () => {
    const token = jwt(audience('leg-cramp-factors'));
    expect((await post(a, 'leg-cramp-factors', patientView(patient), token)).status).toBe(200);
    expect(await post(b, 'leg-cramp-factors', patientView(patient), token)).toEqual({ status: 401, body: { error: 'Unauthorized' } });
    expect(await replayLogged(b)).toBe(true);
    expect((await post(b, 'leg-cramp-factors', patientView(patient), jwt(audience('leg-cramp-factors')))).status).toBe(200);
  });

  test('a card sent by A and snoozed through B’s feedback endpoint is gone from A’s next patient-view and order-select', async () => {
    const salmeterol = () => orderSelect(patient, '896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler');
    const quinine = () => orderSelect(patient, undefined, 'Quinine sulfate 324 mg capsule');
    const first = await cardsFrom(a, 'leg-cramp-factors', patientView(patient));
    expect(first.topics).toEqual(expect.arrayContaining(['quinine', LABA]));
    expect((await cardsFrom(a, 'leg-cramp-order-select', salmeterol())).topics).toEqual([LABA]);

    await snooze(b, 'leg-cramp-factors', cardFor(first.cards, LABA).uuid);

    const after = await cardsFrom(a, 'leg-cramp-factors', patientView(patient));
    expect(after.topics).toEqual(first.topics.filter((t) => t !== LABA));
    expect((await cardsFrom(a, 'leg-cramp-order-select', salmeterol())).topics).toEqual([]);
    expect((await cardsFrom(b, 'leg-cramp-order-select', salmeterol())).topics).toEqual([]);
    // Only that rule: a draft quinine order is still flagged.
    expect((await cardsFrom(a, 'leg-cramp-order-select', quinine())).topics).toEqual(['quinine']);
  });

  test('no table of the database holds a raw patient id', async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const values = await everyStoredValue({ query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(sql, params ? [...params] : undefined)).rows as R[] });
      const tables = new Set(values.map((v) => v.table));
      // The check is not vacuous: replay ids, cards, feedback and snoozes were written by the tests above.
      expect(values.length).toBeGreaterThan(10);
      expect(tables.size).toBeGreaterThanOrEqual(4);
      expect(values.filter((v) => v.value.includes(patient.id))).toEqual([]);
    } finally {
      await client.end();
    }
    expect([...a.logs, ...b.logs].join('')).not.toContain(patient.id);
  });
});
