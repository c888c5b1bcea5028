// The behaviour every store must show, run against the embedded store and against PostgreSQL.
import { randomUUID } from 'node:crypto';
import { StoreInputError, type CdsStore } from '../../lib/store';
import type { SqlRunner } from '../../lib/store/sql';
import { everyStoredValue } from './helpers';

export interface OpenedStore {
  store: CdsStore;
  /** Raw SQL on the same database, to look at what is stored. */
  sql: SqlRunner;
}

const DAY = 86_400_000;
const T0 = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

export function storeContract(open: () => Promise<OpenedStore>): void {
  let store: CdsStore;
  let sql: SqlRunner;
  beforeAll(async () => {
    ({ store, sql } = await open());
  });

  test('a fresh database is migrated to the current schema, recorded in schema_migrations', async () => {
    const versions = await sql.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => Number(v.version))).toEqual([1]);
    const tables = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['feedback', 'issued_cards', 'jwt_replay', 'schema_migrations', 'snoozes', 'store_meta']);
  });

  test('a JWT id is accepted once; the second use before it expires is a replay', async () => {
    const jti = randomUUID();
    expect(await store.rememberJti('https://ehr.example', jti, at(5 * 60_000), T0)).toBe(true);
    expect(await store.rememberJti('https://ehr.example', jti, at(5 * 60_000), at(60_000))).toBe(false);
    // The same jti from another issuer is another token.
    expect(await store.rememberJti('https://other.example', jti, at(5 * 60_000), at(60_000))).toBe(true);
  });

  test('ten concurrent uses of one JWT id: exactly one is accepted', async () => {
    const jti = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => store.rememberJti('https://ehr.example', jti, at(5 * 60_000), T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('after the id has expired it is accepted again, and expired ids are purged', async () => {
    const jti = randomUUID();
    expect(await store.rememberJti('https://ehr.example', jti, at(5 * 60_000), T0)).toBe(true);
    expect(await store.rememberJti('https://ehr.example', jti, at(20 * 60_000), at(5 * 60_000))).toBe(true);
    expect(await store.rememberJti('https://ehr.example', jti, at(20 * 60_000), at(6 * 60_000))).toBe(false);
    const old = randomUUID();
    await store.rememberJti('https://ehr.example', old, at(60_000), T0);
    await store.purgeExpired(at(30 * 60_000));
    const left = await sql.query('SELECT 1 FROM jwt_replay WHERE jti IN ($1, $2)', [jti, old]);
    expect(left).toHaveLength(0);
  });

  test('cards -> overridden feedback with a snooze -> the rule is snoozed for that patient only, until it ends', async () => {
    const patient = `pat-${randomUUID()}`;
    const other = `pat-${randomUUID()}`;
    const card = randomUUID();
    const grouped = randomUUID();
    await store.rememberCards(
      [
        { uuid: card, serviceId: 'leg-cramp-factors', ruleIds: ['loop-diuretic'], patientId: patient },
        { uuid: grouped, serviceId: 'leg-cramp-factors', ruleIds: ['hypokalemia', 'thiazide'], patientId: patient },
      ],
      at(30 * DAY),
    );
    const info = await store.cardInfo(card, T0);
    expect(info).toMatchObject({ serviceId: 'leg-cramp-factors', ruleIds: ['loop-diuretic'] });
    expect(info!.patientKey).not.toContain(patient);
    expect(await store.snoozedRules(patient, T0)).toEqual(new Set());

    const result = await store.recordFeedback(
      { serviceId: 'leg-cramp-factors', cardUuid: grouped, outcome: 'overridden', reasonCode: 'snooze-90-days', outcomeTimestamp: T0, receivedAt: T0 },
      { snoozeUntil: at(90 * DAY) },
    );
    expect(result).toEqual({ status: 'recorded', ruleIds: ['hypokalemia', 'thiazide'], snoozedRuleIds: ['hypokalemia', 'thiazide'] });
    expect(await store.snoozedRules(patient, at(DAY))).toEqual(new Set(['hypokalemia', 'thiazide']));
    expect(await store.snoozedRules(other, at(DAY))).toEqual(new Set());
    expect(await store.snoozedRules(patient, at(91 * DAY))).toEqual(new Set());
  });

  test('a direct snooze expires, and a shorter later snooze does not cut a longer one', async () => {
    const patient = `pat-${randomUUID()}`;
    await store.snooze({ ruleId: 'quinine', patientId: patient, until: at(10 * DAY) });
    await store.snooze({ ruleId: 'quinine', patientId: patient, until: at(2 * DAY) });
    expect(await store.snoozedRules(patient, at(5 * DAY))).toEqual(new Set(['quinine']));
    expect(await store.snoozedRules(patient, at(10 * DAY))).toEqual(new Set());
  });

  test('feedback for an unknown or wrong-service card is kept without a rule and snoozes nothing; a retry counts once', async () => {
    const patient = `pat-${randomUUID()}`;
    const card = randomUUID();
    await store.rememberCards([{ uuid: card, serviceId: 'leg-cramp-factors', ruleIds: ['statin'], patientId: patient }], at(30 * DAY));
    const wrongService = await store.recordFeedback(
      { serviceId: 'leg-cramp-orders', cardUuid: card, outcome: 'overridden', outcomeTimestamp: T0, receivedAt: T0 },
      { snoozeUntil: at(90 * DAY) },
    );
    expect(wrongService).toEqual({ status: 'unknown-card', ruleIds: [], snoozedRuleIds: [] });
    expect(await store.snoozedRules(patient, at(DAY))).toEqual(new Set());
    const item = { serviceId: 'leg-cramp-factors', cardUuid: card, outcome: 'accepted' as const, outcomeTimestamp: at(1000), receivedAt: at(2000) };
    expect((await store.recordFeedback(item)).status).toBe('recorded');
    expect((await store.recordFeedback({ ...item, receivedAt: at(9000) })).status).toBe('duplicate');
    await expect(
      store.recordFeedback({ ...item, outcome: 'accepted' }, { snoozeUntil: at(DAY) }),
    ).rejects.toThrow('only an overridden card can be snoozed');
  });

  test('the report counts cards sent, accepted and overridden feedback and override reasons per rule', async () => {
    const patient = `pat-${randomUUID()}`;
    const cards = Array.from({ length: 5 }, () => randomUUID());
    await store.rememberCards(
      cards.map((uuid) => ({ uuid, serviceId: 'svc-report', ruleIds: ['report-rule-a', 'report-rule-b'], patientId: patient })),
      at(30 * DAY),
    );
    // Two cards nobody answered: the rule is in the report with its cards sent and no feedback.
    await store.rememberCards(
      [randomUUID(), randomUUID()].map((uuid) => ({ uuid, serviceId: 'svc-report', ruleIds: ['report-rule-silent'], patientId: patient })),
      at(30 * DAY),
    );
    const before = await store.feedbackReport(at(0));
    expect(before.rules.find((r) => r.ruleId === 'report-rule-silent')).toEqual({ ruleId: 'report-rule-silent', cardsSent: 2, accepted: 0, overridden: 0, reasons: [] });
    const give = (i: number, outcome: 'accepted' | 'overridden', reasonCode?: string) =>
      store.recordFeedback({ serviceId: 'svc-report', cardUuid: cards[i]!, outcome, reasonCode, reasonSystem: reasonCode ? 'urn:test' : undefined, outcomeTimestamp: at(i), receivedAt: at(i) });
    await give(0, 'accepted');
    await give(1, 'overridden', 'already-addressed');
    await give(2, 'overridden', 'already-addressed');
    await give(3, 'overridden', 'not-relevant');
    await give(4, 'overridden');
    await store.recordFeedback({ serviceId: 'svc-report', cardUuid: randomUUID(), outcome: 'overridden', outcomeTimestamp: T0, receivedAt: T0 });
    const report = await store.feedbackReport(at(DAY));
    // Once the cards are forgotten (30 days), the feedback still counts; the cards sent no longer do.
    const later = await store.feedbackReport(at(31 * DAY));
    for (const ruleId of ['report-rule-a', 'report-rule-b']) {
      expect(before.rules.find((r) => r.ruleId === ruleId)).toEqual({ ruleId, cardsSent: 5, accepted: 0, overridden: 0, reasons: [] });
      expect(later.rules.find((r) => r.ruleId === ruleId)).toEqual(expect.objectContaining({ cardsSent: 0, accepted: 1, overridden: 4 }));
      expect(report.rules.find((r) => r.ruleId === ruleId)).toEqual({
        ruleId,
        cardsSent: 5,
        accepted: 1,
        overridden: 4,
        reasons: [
          { system: 'urn:test', code: 'already-addressed', count: 2 },
          { system: null, code: '(none)', count: 1 },
          { system: 'urn:test', code: 'not-relevant', count: 1 },
        ],
      });
    }
    expect(report.unattributed.overridden).toBe(before.unattributed.overridden + 1);
  });

  test('15 concurrent hook calls (a JWT id and 3 cards each) all resolve, and each call can give feedback on its cards', async () => {
    const calls = Array.from({ length: 15 }, (_, i) => ({
      jti: randomUUID(),
      patient: `pat-${randomUUID()}`,
      cards: Array.from({ length: 3 }, (_, c) => ({ uuid: randomUUID(), ruleIds: [`concurrent-rule-${i}-${c}`] })),
    }));
    const fed = await Promise.all(
      calls.map(async (call) => {
        expect(await store.rememberJti('https://ehr.example', call.jti, at(5 * 60_000), T0)).toBe(true);
        await store.rememberCards(
          call.cards.map((c) => ({ uuid: c.uuid, serviceId: 'leg-cramp-factors', ruleIds: c.ruleIds, patientId: call.patient })),
          at(30 * DAY),
        );
        // Once rememberCards has resolved, feedback finds the card (another caller's batch may still be writing).
        return store.recordFeedback({ serviceId: 'leg-cramp-factors', cardUuid: call.cards[1]!.uuid, outcome: 'accepted', outcomeTimestamp: T0, receivedAt: T0 });
      }),
    );
    expect(fed.map((f) => f.status)).toEqual(calls.map(() => 'recorded'));
    expect(fed.map((f) => f.ruleIds)).toEqual(calls.map((c) => c.cards[1]!.ruleIds));
    const stored = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM issued_cards WHERE card_uuid = ANY($1::text[])', [
      calls.flatMap((c) => c.cards.map((card) => card.uuid)),
    ]);
    expect(Number(stored[0]!.n)).toBe(45);
    for (const call of calls.slice(0, 3)) expect(await store.rememberJti('https://ehr.example', call.jti, at(5 * 60_000), at(60_000))).toBe(false);
  });

  test('a card uuid given twice in one rememberCards call is refused, and nothing of that call is stored', async () => {
    const uuid = randomUUID();
    const card = { uuid, serviceId: 'leg-cramp-factors', ruleIds: ['dup-rule'], patientId: 'pat-dup' };
    await expect(store.rememberCards([card, { ...card, ruleIds: ['other-rule'] }], at(30 * DAY))).rejects.toThrow('a card uuid appears twice in one call');
    expect(await store.cardInfo(uuid, T0)).toBeNull();
  });

  test('bad input is refused with a message naming the field', async () => {
    await expect(store.rememberJti('', 'x', at(1))).rejects.toThrow(StoreInputError);
    await expect(store.rememberJti('iss', 'x', new Date('nope'))).rejects.toThrow('expiresAt is not a valid date');
    await expect(store.snooze({ ruleId: 'r', patientId: ' ', until: at(1) })).rejects.toThrow('patientId is empty');
    await expect(store.rememberCards([{ uuid: 'u', serviceId: 's', ruleIds: [], patientId: 'p' }], at(1))).rejects.toThrow('at least one rule id');
    await expect(
      store.recordFeedback({ serviceId: 's', cardUuid: 'c', outcome: 'ignored' as never, outcomeTimestamp: T0, receivedAt: T0 }),
    ).rejects.toThrow("outcome must be 'accepted' or 'overridden'");
  });

  test('no table holds a raw patient id (every column of every table is scanned)', async () => {
    const patient = `raw-patient-${randomUUID()}`;
    const card = randomUUID();
    await store.rememberCards([{ uuid: card, serviceId: 'leg-cramp-factors', ruleIds: ['scan-rule'], patientId: patient }], at(30 * DAY));
    await store.snooze({ ruleId: 'scan-rule-2', patientId: patient, until: at(30 * DAY) });
    await store.recordFeedback(
      { serviceId: 'leg-cramp-factors', cardUuid: card, outcome: 'overridden', reasonCode: 'snooze', outcomeTimestamp: T0, receivedAt: T0 },
      { snoozeUntil: at(90 * DAY) },
    );
    const values = await everyStoredValue(sql);
    // The scan does see what was written (so it could find the id if it were there)...
    expect(values.some((v) => v.table === 'issued_cards' && v.value === card)).toBe(true);
    expect(values.some((v) => v.table === 'snoozes' && v.value === 'scan-rule-2')).toBe(true);
    // ...and the patient id, or its distinctive part, is nowhere.
    const suffix = patient.slice('raw-patient-'.length);
    expect(values.filter((v) => v.value.includes(suffix))).toEqual([]);
  });

  test('ready() answers ok', async () => {
    expect(await store.ready()).toMatchObject({ ok: true, kind: store.kind });
  });
}
