// The PostgreSQL store: the shared contract, migrations from empty with instances starting together, and two
// separate server processes sharing replay protection and snoozes on one real PostgreSQL.
// PostgreSQL comes from CDS_TEST_DATABASE_URL (CI) or a throwaway cluster (scripts/test-postgres.sh); without
// either the suite is skipped here, and fails in CI (CDS_TEST_REQUIRE_POSTGRES=1).
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createStore, readStoreConfig, StoreConfigError } from '../../lib/store';
import { migrate, MIGRATIONS } from '../../lib/store/migrations';
import { SqlStore } from '../../lib/store/sqlStore';
import { storeContract } from './contract';
import { startTestPostgres, startWorker, withDatabase, type TestPostgres, type Worker } from './helpers';

jest.setTimeout(60_000);

const SECRET = 'test-secret-for-the-store-tests-0123456789';
const server: TestPostgres = startTestPostgres();
const available = 'url' in server;
if (!available) console.warn(`PostgreSQL store tests skipped: ${server.skipped}`);
const describePg = available ? describe : describe.skip;

function serverUrl(): string {
  if (!('url' in server)) throw new Error('no server');
  return server.url;
}

const created: string[] = [];
/** A new, empty database on the test server. */
async function emptyDatabase(): Promise<string> {
  const name = `cds_store_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  return withDatabase(serverUrl(), name);
}

afterAll(async () => {
  if (!('url' in server)) return;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await admin.end();
  server.stop();
});

describePg('PostgreSQL store: contract', () => {
  let store: SqlStore | undefined;
  storeContract(async () => {
    store = (await createStore({ kind: 'postgres', url: await emptyDatabase(), secret: SECRET, poolMax: 4 })) as SqlStore;
    return { store, sql: store.db };
  });
  afterAll(async () => store?.close());
});

describePg('PostgreSQL store: migrations and configuration', () => {
  test('three instances starting together on an empty database apply each migration once', async () => {
    const url = await emptyDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => createStore({ kind: 'postgres', url, secret: SECRET, poolMax: 2 })));
    try {
      const rows = await (stores[0] as SqlStore).db.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate((stores[1] as SqlStore).db)).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('a database migrated by a newer version of the app is refused, not altered', async () => {
    const url = await emptyDatabase();
    const store = (await createStore({ kind: 'postgres', url, secret: SECRET, poolMax: 1 })) as SqlStore;
    await store.db.query(`INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`);
    await store.close();
    await expect(createStore({ kind: 'postgres', url, secret: SECRET, poolMax: 1 })).rejects.toThrow(/schema is at version 999/);
  });

  test('another secret on the same database is refused', async () => {
    const url = await emptyDatabase();
    await (await createStore({ kind: 'postgres', url, secret: SECRET, poolMax: 1 })).close();
    await expect(createStore({ kind: 'postgres', url, secret: `${SECRET}-other`, poolMax: 1 })).rejects.toThrow(StoreConfigError);
  });

  test('DATABASE_URL without CDS_STORE_SECRET is a configuration error that does not echo the URL', () => {
    const env = { DATABASE_URL: 'postgresql://cds:hunter2-password@db.example/cds' };
    expect(() => readStoreConfig(env)).toThrow(StoreConfigError);
    expect(() => readStoreConfig(env)).toThrow(/CDS_STORE_SECRET is required with DATABASE_URL/);
    expect(() => readStoreConfig({ ...env, DATABASE_URL: 'mysql://cds:hunter2-password@db/cds', CDS_STORE_SECRET: SECRET })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  test('an unreachable database fails the open with an error, and ready() of a closed store says so', async () => {
    const store = await createStore({ kind: 'postgres', url: await emptyDatabase(), secret: SECRET, poolMax: 1 });
    await store.close();
    expect(await store.ready()).toEqual({ ok: false, kind: 'postgres', detail: 'store closed' });
    await expect(createStore({ kind: 'postgres', url: withDatabase(serverUrl(), 'no_such_database'), secret: SECRET, poolMax: 1 })).rejects.toThrow(/does not exist/);
  });
});

describePg('PostgreSQL store: two server processes on one database', () => {
  let a: Worker;
  let b: Worker;
  beforeAll(async () => {
    const env = { DATABASE_URL: await emptyDatabase(), CDS_STORE_SECRET: SECRET };
    [a, b] = await Promise.all([startWorker(env), startWorker(env)]);
    expect(a.pid).not.toBe(b.pid);
  });
  afterAll(async () => {
    await Promise.all([a, b].map(async (w) => w && (await w.call({ op: 'close' }).catch(() => {}), await w.exited)));
  });

  test('a JWT id used in one process is refused as a replay in the other', async () => {
    const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
    const jti = randomUUID();
    expect(await a.call({ op: 'rememberJti', issuer: 'https://ehr.example', jti, expiresAt })).toBe(true);
    expect(await b.call({ op: 'rememberJti', issuer: 'https://ehr.example', jti, expiresAt })).toBe(false);
    expect(await a.call({ op: 'rememberJti', issuer: 'https://ehr.example', jti, expiresAt })).toBe(false);
  });

  test('racing both processes on 20 JWT ids: each id is accepted exactly once', async () => {
    const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
    const jtis = Array.from({ length: 20 }, () => randomUUID());
    const answers = await Promise.all(
      jtis.flatMap((jti) => [a, b].map((w) => w.call<boolean>({ op: 'rememberJti', issuer: 'https://ehr.example', jti, expiresAt }))),
    );
    for (let i = 0; i < jtis.length; i++) expect([answers[2 * i], answers[2 * i + 1]].filter(Boolean)).toHaveLength(1);
  });

  test('a card sent by one process, overridden with a snooze through the other, is snoozed in both', async () => {
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const card = randomUUID();
    await a.call({ op: 'rememberCards', cards: [{ uuid: card, serviceId: 'svc', ruleIds: ['salmeterol'], patientId: 'patient-42' }], expiresAt: until });
    const result = await b.call({ op: 'recordFeedback', cardUuid: card, serviceId: 'svc', reasonCode: 'snooze-90-days', snoozeUntil: until });
    expect(result).toEqual({ status: 'recorded', ruleIds: ['salmeterol'], snoozedRuleIds: ['salmeterol'] });
    expect(await a.call({ op: 'snoozedRules', patientId: 'patient-42' })).toEqual(['salmeterol']);
    await a.call({ op: 'snooze', ruleId: 'quinine', patientId: 'patient-42', until });
    expect(await b.call({ op: 'snoozedRules', patientId: 'patient-42' })).toEqual(['quinine', 'salmeterol']);
    expect(await b.call({ op: 'snoozedRules', patientId: 'patient-43' })).toEqual([]);
  });
});
