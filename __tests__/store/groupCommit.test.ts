// The embedded store's group commit: replay ids and issued cards from many callers share one write queue, each
// batch is one statement, and every caller hears back only once its own rows are committed (or its batch failed).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreInputError, type IssuedCard } from '../../lib/store';
import { openEmbeddedStore } from '../../lib/store/embedded';
import { MAX_BATCH_ROWS, type SqlStore } from '../../lib/store/sqlStore';
import { tempDir } from './helpers';

jest.setTimeout(60_000);

const parent = tempDir('cds-group-commit-');
const dir = path.join(parent, 'store');
let store: SqlStore;

beforeAll(async () => {
  store = await openEmbeddedStore(dir);
});
afterAll(async () => {
  await store?.close();
  fs.rmSync(parent, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

const ISSUER = 'https://ehr.example';
const inFiveMinutes = () => new Date(Date.now() + 5 * 60_000);
const inThirtyDays = () => new Date(Date.now() + 30 * 86_400_000);

/** The statements that write replay ids or cards (the batches), as the store sends them. */
const isWrite = (sql: string) => /^\s*(WITH replay AS|INSERT INTO (jwt_replay|issued_cards))/.test(sql);

/** Records every write statement sent to the database from now on (still executing it for real). */
function watchWrites(): { sql: string; params: readonly unknown[] }[] {
  const writes: { sql: string; params: readonly unknown[] }[] = [];
  const real = store.db.query.bind(store.db);
  jest.spyOn(store.db, 'query').mockImplementation((sql: string, params?: readonly unknown[]) => {
    if (isWrite(sql)) writes.push({ sql, params: params ?? [] });
    return real(sql, params);
  });
  return writes;
}

function cardsFor(patientId: string, n: number): IssuedCard[] {
  return Array.from({ length: n }, (_, i) => ({ uuid: randomUUID(), serviceId: 'leg-cramp-factors', ruleIds: [`rule-${i}`], patientId }));
}

async function storedJtis(jtis: readonly string[]): Promise<Map<string, Date>> {
  const rows = await store.db.query<{ jti: string; expires_at: Date }>('SELECT jti, expires_at FROM jwt_replay WHERE issuer = $1 AND jti = ANY($2::text[])', [
    ISSUER,
    jtis,
  ]);
  return new Map(rows.map((r) => [r.jti, new Date(r.expires_at)]));
}

async function storedCards(uuids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await store.db.query<{ card_uuid: string; rule_ids: string[] }>('SELECT card_uuid, rule_ids FROM issued_cards WHERE card_uuid = ANY($1::text[])', [uuids]);
  return new Map(rows.map((r) => [r.card_uuid, r.rule_ids]));
}

/** Keeps rememberJti's periodic purge (three DELETEs before the first caller queues) out of a test. */
const purgeNow = () => store.purgeExpired();

describe('embedded store: group commit', () => {
  test('20 hook calls at once (a replay id and 7 cards each) are written in one statement; all resolve and every row is stored', async () => {
    await purgeNow();
    const writes = watchWrites();
    const calls = Array.from({ length: 20 }, (_, i) => ({ jti: randomUUID(), cards: cardsFor(`patient-${i}`, 7) }));
    const results = await Promise.all(
      calls.flatMap((c) => [store.rememberJti(ISSUER, c.jti, inFiveMinutes()), store.rememberCards(c.cards, inThirtyDays()).then(() => 'cards')]),
    );
    expect(results).toEqual(calls.flatMap(() => [true, 'cards']));
    // 40 callers, one statement: a data-modifying CTE covering both tables.
    expect(writes).toHaveLength(1);
    expect(writes[0]!.sql).toMatch(/^WITH replay AS \(INSERT INTO jwt_replay/);
    expect(writes[0]!.sql).toContain('INSERT INTO issued_cards');
    expect([...(await storedJtis(calls.map((c) => c.jti))).keys()].sort()).toEqual(calls.map((c) => c.jti).sort());
    const uuids = calls.flatMap((c) => c.cards.map((card) => card.uuid));
    expect((await storedCards(uuids)).size).toBe(140);
    // The replay ids are live: each is now a replay.
    for (const c of calls.slice(0, 3)) expect(await store.rememberJti(ISSUER, c.jti, inFiveMinutes())).toBe(false);
  });

  test('callers arriving while a batch is being written join the next batch, and hear back only after it is committed', async () => {
    await purgeNow();
    const real = store.db.query.bind(store.db);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const writes: string[] = [];
    jest.spyOn(store.db, 'query').mockImplementation(async (sql: string, params?: readonly unknown[]) => {
      if (isWrite(sql)) {
        writes.push(sql);
        if (writes.length === 1) {
          firstStarted();
          await firstHeld;
        }
      }
      return real(sql, params);
    });
    const first = randomUUID();
    let firstDone = false;
    const firstCall = store.rememberJti(ISSUER, first, inFiveMinutes()).then((ok) => ((firstDone = true), ok));
    await started;
    const later = Array.from({ length: 10 }, (_, i) => ({ jti: randomUUID(), cards: cardsFor(`later-${i}`, 7) }));
    let laterDone = 0;
    const laterCalls = later.map(async (c) => {
      const fresh = await store.rememberJti(ISSUER, c.jti, inFiveMinutes());
      await store.rememberCards(c.cards, inThirtyDays());
      laterDone++;
      return fresh;
    });
    // Give the later callers time to queue: nobody hears back while the first batch is held.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(firstDone).toBe(false);
    expect(laterDone).toBe(0);
    expect(writes).toHaveLength(1);
    releaseFirst();
    expect(await firstCall).toBe(true);
    expect(await Promise.all(laterCalls)).toEqual(later.map(() => true));
    // The first batch, then the 10 later replay ids together, then their 70 cards together.
    expect(writes).toHaveLength(3);
    expect((await storedJtis([first, ...later.map((c) => c.jti)])).size).toBe(11);
    expect((await storedCards(later.flatMap((c) => c.cards.map((card) => card.uuid)))).size).toBe(70);
  });

  test('a card is readable by cardInfo and recordFeedback as soon as its rememberCards call has resolved', async () => {
    const patient = `patient-${randomUUID()}`;
    const cards = cardsFor(patient, 7);
    const receivedAt = new Date();
    await Promise.all([store.rememberJti(ISSUER, randomUUID(), inFiveMinutes()), store.rememberCards(cards, inThirtyDays())]);
    expect(await store.cardInfo(cards[3]!.uuid)).toMatchObject({ serviceId: 'leg-cramp-factors', ruleIds: ['rule-3'] });
    const result = await store.recordFeedback(
      { serviceId: 'leg-cramp-factors', cardUuid: cards[3]!.uuid, outcome: 'overridden', reasonCode: 'snooze', outcomeTimestamp: receivedAt, receivedAt },
      { snoozeUntil: inThirtyDays() },
    );
    expect(result).toEqual({ status: 'recorded', ruleIds: ['rule-3'], snoozedRuleIds: ['rule-3'] });
    expect(await store.snoozedRules(patient)).toEqual(new Set(['rule-3']));
  });

  test('a failing batch rejects every caller in it and leaves no replay claim behind; the next batch is written', async () => {
    await purgeNow();
    const real = store.db.query.bind(store.db);
    let failed = 0;
    jest.spyOn(store.db, 'query').mockImplementation(async (sql: string, params?: readonly unknown[]) => {
      if (isWrite(sql) && failed++ === 0) throw new Error('disk full');
      return real(sql, params);
    });
    const jtis = Array.from({ length: 5 }, () => randomUUID());
    const cards = [cardsFor('patient-fail-1', 7), cardsFor('patient-fail-2', 7)];
    const outcomes = await Promise.allSettled([
      ...jtis.map((jti) => store.rememberJti(ISSUER, jti, inFiveMinutes())),
      ...cards.map((c) => store.rememberCards(c, inThirtyDays())),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'resolved'))).toEqual(Array(7).fill('disk full'));
    expect(failed).toBe(1);
    expect((await storedJtis(jtis)).size).toBe(0);
    expect((await storedCards(cards.flat().map((c) => c.uuid))).size).toBe(0);
    // Nothing claimed in memory: the same ids are accepted (once) by the next batch, which the database takes.
    expect(await Promise.all(jtis.map((jti) => store.rememberJti(ISSUER, jti, inFiveMinutes())))).toEqual(Array(5).fill(true));
    expect(await Promise.all(jtis.map((jti) => store.rememberJti(ISSUER, jti, inFiveMinutes())))).toEqual(Array(5).fill(false));
    await store.rememberCards(cards[0]!, inThirtyDays());
    expect((await storedJtis(jtis)).size).toBe(5);
    expect((await storedCards(cards[0]!.map((c) => c.uuid))).size).toBe(7);
  });

  test('one JWT id used by 10 callers inside one batch: exactly one is accepted and one row is written', async () => {
    await purgeNow();
    const writes = watchWrites();
    const jti = randomUUID();
    const others = Array.from({ length: 5 }, () => randomUUID());
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => store.rememberJti(ISSUER, jti, inFiveMinutes())),
      ...others.map((other) => store.rememberJti(ISSUER, other, inFiveMinutes())),
    ]);
    expect(results.slice(0, 10).filter(Boolean)).toHaveLength(1);
    expect(results.slice(10)).toEqual(Array(5).fill(true));
    expect(writes).toHaveLength(1);
    expect((await storedJtis([jti, ...others])).size).toBe(6);
  });

  test('an expired id taken over inside the same batch is written once, with the later expiry (as the conflict rule keeps)', async () => {
    const jti = randomUUID();
    const t0 = new Date(Date.now() + 60 * 60_000);
    // Purged as of the second use's clock, so neither call runs its own purge first (whose round trips would
    // let the two calls reach the queue in different turns).
    await store.purgeExpired(new Date(t0.getTime() + 2 * 60_000));
    const writes = watchWrites();
    const firstExpiry = new Date(t0.getTime() + 60_000);
    const secondExpiry = new Date(t0.getTime() + 10 * 60_000);
    // The second use comes after the first one's expiry (its own clock), so both are accepted.
    const results = await Promise.all([
      store.rememberJti(ISSUER, jti, firstExpiry, t0),
      store.rememberJti(ISSUER, jti, secondExpiry, new Date(t0.getTime() + 2 * 60_000)),
    ]);
    expect(results).toEqual([true, true]);
    expect(writes).toHaveLength(1);
    expect((await storedJtis([jti])).get(jti)?.getTime()).toBe(secondExpiry.getTime());
  });

  test('the same card uuid from two callers in one batch: the later call wins, as with two upserts in a row', async () => {
    await purgeNow();
    const writes = watchWrites();
    const uuid = randomUUID();
    await Promise.all([
      store.rememberCards([{ uuid, serviceId: 'leg-cramp-factors', ruleIds: ['first'], patientId: 'p' }], inThirtyDays()),
      store.rememberCards([{ uuid, serviceId: 'leg-cramp-factors', ruleIds: ['second'], patientId: 'p' }], inThirtyDays()),
    ]);
    expect(writes).toHaveLength(1);
    expect((await storedCards([uuid])).get(uuid)).toEqual(['second']);
    await expect(
      store.rememberCards(
        [
          { uuid, serviceId: 'leg-cramp-factors', ruleIds: ['a'], patientId: 'p' },
          { uuid, serviceId: 'leg-cramp-factors', ruleIds: ['b'], patientId: 'p' },
        ],
        inThirtyDays(),
      ),
    ).rejects.toThrow(StoreInputError);
  });

  test(`a batch holds at most ${MAX_BATCH_ROWS} rows; a longer queue and an oversized call are written in several`, async () => {
    await purgeNow();
    const writes = watchWrites();
    const calls = Array.from({ length: 80 }, (_, i) => cardsFor(`cap-${i}`, 7));
    const big = cardsFor('cap-big', MAX_BATCH_ROWS + 20);
    await Promise.all([...calls.map((c) => store.rememberCards(c, inThirtyDays())), store.rememberCards(big, inThirtyDays())]);
    const rowsPerWrite = writes.map((w) => w.params.length / 5);
    expect(Math.max(...rowsPerWrite)).toBeLessThanOrEqual(MAX_BATCH_ROWS);
    expect(rowsPerWrite.reduce((a, b) => a + b, 0)).toBe(80 * 7 + MAX_BATCH_ROWS + 20);
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect((await storedCards([...calls.flat(), ...big].map((c) => c.uuid))).size).toBe(80 * 7 + MAX_BATCH_ROWS + 20);
  });
});

describe('embedded store: close drains the write queue', () => {
  test('rows of calls still queued when close() is called are written before it returns, and are there after reopening', async () => {
    const jtis = Array.from({ length: 30 }, () => randomUUID());
    const cards = Array.from({ length: 30 }, (_, i) => cardsFor(`close-${i}`, 7));
    const pending = [
      ...jtis.map((jti) => store.rememberJti(ISSUER, jti, inFiveMinutes())),
      ...cards.map((c) => store.rememberCards(c, inThirtyDays()).then(() => true)),
    ];
    // Not awaited: the calls are still in the queue.
    await store.close();
    expect(await Promise.all(pending)).toEqual(Array(60).fill(true));
    // A closed store refuses new writes (and keeps no claim for them).
    await expect(store.rememberJti(ISSUER, randomUUID(), inFiveMinutes())).rejects.toThrow('closed');

    store = await openEmbeddedStore(dir);
    expect((await storedJtis(jtis)).size).toBe(30);
    expect((await storedCards(cards.flat().map((c) => c.uuid))).size).toBe(210);
    expect(await store.rememberJti(ISSUER, jtis[0]!, inFiveMinutes())).toBe(false);
    expect(await store.cardInfo(cards[29]![6]!.uuid)).toMatchObject({ ruleIds: ['rule-6'] });
  });
});
