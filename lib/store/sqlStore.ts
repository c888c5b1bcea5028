// The store's behaviour, written once in SQL that PGlite and PostgreSQL both run.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { migrate } from './migrations';
import type { SqlDatabase } from './sql';
import {
  StoreConfigError,
  StoreInputError,
  type CardInfo,
  type CdsStore,
  type FeedbackInput,
  type FeedbackOptions,
  type FeedbackReport,
  type FeedbackResult,
  type IssuedCard,
  type ReasonCount,
  type RuleFeedback,
  type SnoozeInput,
  type StoreHealth,
  type StoreKind,
} from './types';

/** How often one instance deletes expired rows while answering rememberJti. */
const PURGE_EVERY_MS = 60_000;
const KEY_CHECK = 'patient_key_check';

const text = (what: string) =>
  z.string({ error: `${what} must be a string` }).trim().min(1, `${what} is empty`).max(1024, `${what} is longer than 1024 characters`);
const date = (what: string) =>
  z.instanceof(Date, { error: `${what} must be a Date` }).refine((d) => Number.isFinite(d.getTime()), `${what} is not a valid date`);

const cardSchema = z.object({
  uuid: text('card uuid'),
  serviceId: text('serviceId'),
  ruleIds: z.array(text('rule id')).min(1, 'a card needs at least one rule id'),
  patientId: text('patientId'),
});
const feedbackSchema = z.object({
  serviceId: text('serviceId'),
  cardUuid: text('cardUuid'),
  outcome: z.enum(['accepted', 'overridden'], { error: "outcome must be 'accepted' or 'overridden'" }),
  reasonCode: text('reasonCode').optional(),
  reasonSystem: text('reasonSystem').optional(),
  outcomeTimestamp: date('outcomeTimestamp'),
  receivedAt: date('receivedAt'),
});
const snoozeSchema = z.object({ ruleId: text('ruleId'), patientId: text('patientId'), until: date('until') });
// Built once: building a zod schema costs more than using it, and these run on every hook call.
const issuerText = text('issuer');
const jtiText = text('jti');
const expiresAtDate = date('expiresAt');
const cardsSchema = z.array(cardSchema);
const cardUuidText = text('card uuid');
const snoozeUntilDate = date('snoozeUntil');
const patientIdText = text('patientId');

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreInputError(parsed.error.issues[0]?.message ?? 'invalid input');
  return parsed.data;
}

/** Keyed hash of a patient id: equal ids give equal keys under one secret, and the id cannot be read back. */
export function patientKey(secret: string, patientId: string): string {
  return createHmac('sha256', secret).update(`patient\u0000${patientId}`).digest('base64url');
}

function keyCheck(secret: string): string {
  return createHmac('sha256', secret).update('cds-store key check v1').digest('base64url');
}

/**
 * What an exclusive store (the embedded one: its folder is locked to one process) keeps in memory besides the
 * database: live snoozes and replay ids, loaded at open and written through. No other writer exists, so these
 * answer reads without a query; the database stays the record that survives a restart.
 */
class ExclusiveView {
  readonly snoozes = new Map<string, Map<string, number>>();
  readonly jtis = new Map<string, number>();

  static async load(db: SqlDatabase, now: Date): Promise<ExclusiveView> {
    const view = new ExclusiveView();
    for (const row of await db.query<{ rule_id: string; patient_key: string; until: Date }>(
      'SELECT rule_id, patient_key, until FROM snoozes WHERE until > $1',
      [now],
    )) {
      view.snooze(row.patient_key, row.rule_id, new Date(row.until).getTime());
    }
    for (const row of await db.query<{ issuer: string; jti: string; expires_at: Date }>(
      'SELECT issuer, jti, expires_at FROM jwt_replay WHERE expires_at > $1',
      [now],
    )) {
      view.jtis.set(jtiKey(row.issuer, row.jti), new Date(row.expires_at).getTime());
    }
    return view;
  }

  snooze(key: string, ruleId: string, until: number): void {
    const rules = this.snoozes.get(key) ?? new Map<string, number>();
    this.snoozes.set(key, rules);
    rules.set(ruleId, Math.max(until, rules.get(ruleId) ?? 0));
  }

  purge(now: number): void {
    for (const [key, until] of this.jtis) if (until <= now) this.jtis.delete(key);
    for (const [key, rules] of this.snoozes) {
      for (const [ruleId, until] of rules) if (until <= now) rules.delete(ruleId);
      if (rules.size === 0) this.snoozes.delete(key);
    }
  }
}

const jtiKey = (issuer: string, jti: string) => `${issuer}\u0000${jti}`;

export interface SqlStoreOptions {
  /** True when no other process can write this database (the locked embedded folder): reads come from memory. */
  readonly exclusive?: boolean;
  readonly onClose?: () => Promise<void> | void;
  /**
   * Receives the feedback report at open, after feedback changes it (at most once a second) and, when cards were
   * sent since the last one, every SNAPSHOT_CARDS_MS, so that a tool that cannot open the locked folder can still
   * read it. A failed write keeps the previous snapshot.
   */
  readonly feedbackSnapshot?: (report: FeedbackReport) => Promise<void>;
  /** Overrides SNAPSHOT_CARDS_MS (tests). */
  readonly snapshotCardsMs?: number;
}

/** Shortest time between two feedback snapshots: the report is a query over all feedback. */
export const SNAPSHOT_INTERVAL_MS = 1000;
/** How often sent cards alone bring the snapshot's `cardsSent` up to date (they arrive with every hook call). */
export const SNAPSHOT_CARDS_MS = 60_000;
/**
 * Most of the time the report's query may take: its statements hold the event loop (PGlite runs on it), and the
 * query grows with the cards and feedback stored (about 65 ms for 50,000 cards), so the gap between two snapshots
 * grows with it (1% of the time: a 65 ms report waits at least 6.5 s for the next one).
 */
export const SNAPSHOT_MAX_SHARE = 0.01;

/** A replay id waiting to be written. */
interface JtiRow {
  readonly issuer: string;
  readonly jti: string;
  readonly expiresAt: Date;
}

/** An issued card waiting to be written, its patient already hashed. */
interface CardRow {
  readonly uuid: string;
  readonly serviceId: string;
  readonly ruleIds: readonly string[];
  readonly patientKey: string;
  readonly expiresAt: Date;
}

/** One caller's rows in the exclusive store's write queue; `done` settles its promise once its batch is written. */
interface PendingWrite {
  readonly jtis: readonly JtiRow[];
  readonly cards: readonly CardRow[];
  readonly done: (error?: unknown) => void;
}

/**
 * Most rows one batch statement writes. PGlite runs on the main thread, so a statement blocks every request while
 * it runs (~0.02 ms a row): this keeps one batch near 10 ms, far below PostgreSQL's 65,535 bind parameters
 * (5 per card row).
 */
export const MAX_BATCH_ROWS = 500;

const JTI_CONFLICT = 'ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = GREATEST(jwt_replay.expires_at, EXCLUDED.expires_at)';
const CARD_CONFLICT = `ON CONFLICT (card_uuid) DO UPDATE SET service_id = EXCLUDED.service_id, rule_ids = EXCLUDED.rule_ids,
         patient_key = EXCLUDED.patient_key, expires_at = EXCLUDED.expires_at`;

/**
 * One statement writing replay ids and cards together (a data-modifying CTE when there are both, so one commit
 * covers them all or none). ON CONFLICT may not touch one row twice in a statement, so repeated keys are merged
 * first: a replay id keeps its latest expiry (as the conflict rule would), a card the last one queued (as
 * sequential upserts would).
 */
function writeStatement(jtis: readonly JtiRow[], cards: readonly CardRow[]): { sql: string; params: unknown[] } {
  const jtiRows = new Map<string, JtiRow>();
  for (const row of jtis) {
    const key = jtiKey(row.issuer, row.jti);
    const prior = jtiRows.get(key);
    if (!prior || prior.expiresAt < row.expiresAt) jtiRows.set(key, row);
  }
  const cardRows = new Map<string, CardRow>();
  for (const row of cards) {
    cardRows.delete(row.uuid);
    cardRows.set(row.uuid, row);
  }
  const params: unknown[] = [];
  const placeholders = (values: readonly unknown[], casts: readonly string[] = []) =>
    `(${values.map((value, i) => `$${params.push(value)}${casts[i] ?? ''}`).join(', ')})`;
  const jtiValues = [...jtiRows.values()].map((r) => placeholders([r.issuer, r.jti, r.expiresAt]));
  const cardValues = [...cardRows.values()].map((r) =>
    placeholders([r.uuid, r.serviceId, r.ruleIds, r.patientKey, r.expiresAt], ['', '', '::text[]']),
  );
  const jtiInsert = `INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES ${jtiValues.join(', ')}
       ${JTI_CONFLICT}`;
  const cardInsert = `INSERT INTO issued_cards (card_uuid, service_id, rule_ids, patient_key, expires_at) VALUES ${cardValues.join(', ')}
       ${CARD_CONFLICT}`;
  if (cardValues.length === 0) return { sql: jtiInsert, params };
  if (jtiValues.length === 0) return { sql: cardInsert, params };
  return { sql: `WITH replay AS (${jtiInsert}) ${cardInsert}`, params };
}

/** Waits for the next turn of the event loop, so that requests whose input is already waiting can join a batch. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SqlStore implements CdsStore {
  #lastPurge = 0;
  #closed = false;
  /**
   * Exclusive store: replay ids (claimed in memory) and cards waiting to be written. Callers that arrive while a
   * batch is being written join the next one, and each batch is one statement, so one commit covers many
   * requests (group commit).
   */
  #writeQueue: PendingWrite[] = [];
  #writeDrain: Promise<void> | null = null;
  /** Feedback snapshot being written, whether another is due after it, and how to cut the wait before it short. */
  #snapshotRun: Promise<void> | null = null;
  #snapshotAgain = false;
  #snapshotWake: (() => void) | null = null;
  #lastSnapshot = 0;
  /** How long the last snapshot's report query took. */
  #lastReportMs = 0;
  #cardsSinceSnapshot = false;
  #cardsTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly kind: StoreKind,
    /** The raw connection: for tests and maintenance tools only, never for patient ids. */
    readonly db: SqlDatabase,
    private readonly secret: string,
    private readonly onClose: () => Promise<void> | void,
    private readonly view: ExclusiveView | null,
    private readonly snapshot: SqlStoreOptions['feedbackSnapshot'] = undefined,
  ) {}

  /** Migrates the schema, checks the secret against the one the database was first used with, and opens. */
  static async open(kind: StoreKind, db: SqlDatabase, secret: string, options: SqlStoreOptions = {}): Promise<SqlStore> {
    await migrate(db);
    const expected = keyCheck(secret);
    await db.query('INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [KEY_CHECK, expected]);
    const [row] = await db.query<{ value: string }>('SELECT value FROM store_meta WHERE key = $1', [KEY_CHECK]);
    if (row?.value !== expected) {
      throw new StoreConfigError(
        'CDS_STORE_SECRET differs from the secret this CDS store was first used with: snoozes would silently stop matching their patients. Use the original secret (every instance must share it).',
      );
    }
    const view = options.exclusive ? await ExclusiveView.load(db, new Date()) : null;
    const store = new SqlStore(kind, db, secret, options.onClose ?? (() => {}), view, options.feedbackSnapshot);
    if (options.feedbackSnapshot) {
      store.#refreshSnapshot();
      store.#cardsTimer = setInterval(() => {
        if (store.#cardsSinceSnapshot) store.#refreshSnapshot();
      }, options.snapshotCardsMs ?? SNAPSHOT_CARDS_MS);
      store.#cardsTimer.unref();
    }
    return store;
  }

  /**
   * Brings the feedback snapshot up to date: at once when the last one is over SNAPSHOT_INTERVAL_MS old, else
   * when it is (or when the store closes); requests that arrive meanwhile are served by that one write.
   */
  #refreshSnapshot(): void {
    const write = this.snapshot;
    if (!write) return;
    this.#snapshotAgain = true;
    if (this.#snapshotRun) return;
    this.#snapshotRun = (async () => {
      try {
        while (this.#snapshotAgain) {
          const gap = Math.max(SNAPSHOT_INTERVAL_MS, this.#lastReportMs / SNAPSHOT_MAX_SHARE);
          const wait = this.#lastSnapshot + gap - Date.now();
          if (wait > 0 && !this.#closed) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, wait);
              timer.unref();
              this.#snapshotWake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            this.#snapshotWake = null;
          }
          this.#snapshotAgain = false;
          this.#cardsSinceSnapshot = false;
          this.#lastSnapshot = Date.now();
          try {
            const report = await this.feedbackReport();
            this.#lastReportMs = Date.now() - this.#lastSnapshot;
            await write(report);
          } catch {
            // The previous snapshot stays, and its generatedAt says how old it is.
          }
        }
      } finally {
        this.#snapshotRun = null;
      }
    })();
  }

  private key(patientId: string): string {
    return patientKey(this.secret, patientId);
  }

  async rememberJti(issuer: string, jti: string, expiresAt: Date, now: Date = new Date()): Promise<boolean> {
    const iss = check(issuerText, issuer);
    const id = check(jtiText, jti);
    const exp = check(expiresAtDate, expiresAt);
    if (now.getTime() - this.#lastPurge > PURGE_EVERY_MS) await this.purgeExpired(now);
    if (this.view) {
      // Memory decides (nobody else writes this database); the caller hears `true` only once the id is on disk,
      // written in one statement with the other replay ids and cards queued with it.
      const key = jtiKey(iss, id);
      const seenUntil = this.view.jtis.get(key);
      if (seenUntil !== undefined && seenUntil > now.getTime()) return false;
      this.view.jtis.set(key, exp.getTime());
      try {
        await this.#queueWrite([{ issuer: iss, jti: id, expiresAt: exp }], []);
      } catch (error) {
        if (this.view.jtis.get(key) === exp.getTime()) this.view.jtis.delete(key);
        throw error;
      }
      return true;
    }
    // One statement: a new id is inserted, an expired one is taken over, a live one is left alone (no row back).
    const rows = await this.db.query(
      `INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE jwt_replay.expires_at <= $4
       RETURNING 1 AS fresh`,
      [iss, id, exp, now],
    );
    return rows.length === 1;
  }

  /** Exclusive store: resolves once these rows are committed, rejects if their batch failed. */
  #queueWrite(jtis: readonly JtiRow[], cards: readonly CardRow[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the CDS store is closed'));
    return new Promise<void>((resolve, reject) => {
      this.#writeQueue.push({ jtis, cards, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.#writeDrain ??= this.#drainWrites();
    });
  }

  async #drainWrites(): Promise<void> {
    try {
      while (this.#writeQueue.length > 0) {
        await nextTurn();
        const batch: PendingWrite[] = [];
        let rows = 0;
        for (const next of this.#writeQueue) {
          const size = next.jtis.length + next.cards.length;
          if (batch.length > 0 && rows + size > MAX_BATCH_ROWS) break;
          batch.push(next);
          rows += size;
        }
        this.#writeQueue.splice(0, batch.length);
        const { sql, params } = writeStatement(
          batch.flatMap((w) => w.jtis),
          batch.flatMap((w) => w.cards),
        );
        try {
          await this.db.query(sql, params);
        } catch (error) {
          for (const item of batch) item.done(error ?? new Error('the CDS store could not write'));
          continue;
        }
        for (const item of batch) item.done();
      }
    } finally {
      this.#writeDrain = null;
    }
  }

  async rememberCards(cards: readonly IssuedCard[], expiresAt: Date): Promise<void> {
    const checked = check(cardsSchema, cards);
    const exp = check(expiresAtDate, expiresAt);
    if (checked.length === 0) return;
    if (new Set(checked.map((c) => c.uuid)).size < checked.length) throw new StoreInputError('a card uuid appears twice in one call');
    // A call's cards are about one patient: hash each distinct id once.
    const keys = new Map<string, string>();
    const keyOf = (id: string) => keys.get(id) ?? keys.set(id, this.key(id)).get(id)!;
    const rows = checked.map((c) => ({ uuid: c.uuid, serviceId: c.serviceId, ruleIds: c.ruleIds, patientKey: keyOf(c.patientId), expiresAt: exp }));
    if (this.view) {
      // Written with other callers' rows; a call with more cards than a batch holds is written in several.
      const parts: Promise<void>[] = [];
      for (let i = 0; i < rows.length; i += MAX_BATCH_ROWS) parts.push(this.#queueWrite([], rows.slice(i, i + MAX_BATCH_ROWS)));
      await Promise.all(parts);
    } else {
      const { sql, params } = writeStatement([], rows);
      await this.db.query(sql, params);
    }
    this.#cardsSinceSnapshot = true;
  }

  async cardInfo(uuid: string, now: Date = new Date()): Promise<CardInfo | null> {
    const id = check(cardUuidText, uuid);
    const [row] = await this.db.query<{ service_id: string; rule_ids: string[]; patient_key: string; expires_at: Date }>(
      'SELECT service_id, rule_ids, patient_key, expires_at FROM issued_cards WHERE card_uuid = $1 AND expires_at > $2',
      [id, now],
    );
    return row ? { serviceId: row.service_id, ruleIds: row.rule_ids, patientKey: row.patient_key, expiresAt: new Date(row.expires_at) } : null;
  }

  async recordFeedback(feedback: FeedbackInput, options: FeedbackOptions = {}): Promise<FeedbackResult> {
    const item = check(feedbackSchema, feedback);
    const snoozeUntil = options.snoozeUntil === undefined ? undefined : check(snoozeUntilDate, options.snoozeUntil);
    if (snoozeUntil && item.outcome !== 'overridden') throw new StoreInputError('only an overridden card can be snoozed');
    let snoozedKey: string | undefined;
    let stored = false;
    const result = await this.db.transaction(async (tx): Promise<FeedbackResult> => {
      const [card] = await tx.query<{ rule_ids: string[]; patient_key: string }>(
        'SELECT rule_ids, patient_key FROM issued_cards WHERE card_uuid = $1 AND service_id = $2 AND expires_at > $3',
        [item.cardUuid, item.serviceId, item.receivedAt],
      );
      const ruleIds = card?.rule_ids ?? [];
      const inserted = await tx.query(
        `INSERT INTO feedback (service_id, card_uuid, rule_ids, outcome, reason_system, reason_code, outcome_at, received_at)
         VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
        [item.serviceId, item.cardUuid, ruleIds, item.outcome, item.reasonSystem ?? null, item.reasonCode ?? null, item.outcomeTimestamp, item.receivedAt],
      );
      stored = inserted.length > 0;
      let snoozedRuleIds: string[] = [];
      if (card && snoozeUntil) {
        for (const ruleId of ruleIds) await upsertSnooze(tx, ruleId, card.patient_key, snoozeUntil);
        snoozedRuleIds = [...ruleIds];
        snoozedKey = card.patient_key;
      }
      const status = !card ? 'unknown-card' : inserted.length === 0 ? 'duplicate' : 'recorded';
      return { status, ruleIds: [...ruleIds], snoozedRuleIds };
    });
    // Only once the transaction has committed does memory follow.
    if (snoozedKey && snoozeUntil) for (const ruleId of result.snoozedRuleIds) this.view?.snooze(snoozedKey, ruleId, snoozeUntil.getTime());
    if (stored) this.#refreshSnapshot();
    return result;
  }

  async snooze(input: SnoozeInput): Promise<void> {
    const s = check(snoozeSchema, input);
    const key = this.key(s.patientId);
    await upsertSnooze(this.db, s.ruleId, key, s.until);
    this.view?.snooze(key, s.ruleId, s.until.getTime());
  }

  async snoozedRules(patientId: string, now: Date = new Date()): Promise<Set<string>> {
    const id = check(patientIdText, patientId);
    if (this.view) {
      const rules = this.view.snoozes.get(this.key(id));
      const t = now.getTime();
      return new Set([...(rules ?? [])].filter(([, until]) => until > t).map(([ruleId]) => ruleId));
    }
    const rows = await this.db.query<{ rule_id: string }>('SELECT rule_id FROM snoozes WHERE patient_key = $1 AND until > $2', [this.key(id), now]);
    return new Set(rows.map((r) => r.rule_id));
  }

  async feedbackReport(now: Date = new Date()): Promise<FeedbackReport> {
    const sent = await this.db.query<{ rule_id: string; n: number }>(
      `SELECT r.rule_id, count(*)::int AS n
       FROM issued_cards c CROSS JOIN LATERAL unnest(c.rule_ids) AS r(rule_id)
       WHERE c.expires_at > $1 GROUP BY r.rule_id`,
      [now],
    );
    const rows = await this.db.query<{ rule_id: string; outcome: string; reason_system: string | null; reason_code: string | null; n: number }>(
      `SELECT r.rule_id, f.outcome, f.reason_system, f.reason_code, count(*)::int AS n
       FROM feedback f CROSS JOIN LATERAL unnest(f.rule_ids) AS r(rule_id)
       GROUP BY r.rule_id, f.outcome, f.reason_system, f.reason_code`,
    );
    const byRule = new Map<string, { cardsSent: number; accepted: number; overridden: number; reasons: Map<string, ReasonCount> }>();
    const entryOf = (ruleId: string) => byRule.get(ruleId) ?? byRule.set(ruleId, { cardsSent: 0, accepted: 0, overridden: 0, reasons: new Map() }).get(ruleId)!;
    for (const row of sent) entryOf(row.rule_id).cardsSent = Number(row.n);
    for (const row of rows) {
      const entry = entryOf(row.rule_id);
      const n = Number(row.n);
      if (row.outcome === 'accepted') entry.accepted += n;
      else {
        entry.overridden += n;
        const code = row.reason_code ?? '(none)';
        const reasonKey = `${row.reason_system ?? ''}|${code}`;
        const prior = entry.reasons.get(reasonKey);
        entry.reasons.set(reasonKey, { system: row.reason_system, code, count: (prior?.count ?? 0) + n });
      }
    }
    const rules: RuleFeedback[] = [...byRule.entries()]
      .map(([ruleId, e]) => ({
        ruleId,
        cardsSent: e.cardsSent,
        accepted: e.accepted,
        overridden: e.overridden,
        reasons: [...e.reasons.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
      }))
      .sort((a, b) => b.accepted + b.overridden - (a.accepted + a.overridden) || b.cardsSent - a.cardsSent || a.ruleId.localeCompare(b.ruleId));
    const loose = await this.db.query<{ outcome: string; n: number }>(
      'SELECT outcome, count(*)::int AS n FROM feedback WHERE cardinality(rule_ids) = 0 GROUP BY outcome',
    );
    const unattributed = { accepted: 0, overridden: 0 };
    for (const row of loose) unattributed[row.outcome === 'accepted' ? 'accepted' : 'overridden'] += Number(row.n);
    return { rules, unattributed };
  }

  async purgeExpired(now: Date = new Date()): Promise<void> {
    this.#lastPurge = now.getTime();
    this.view?.purge(now.getTime());
    await this.db.query('DELETE FROM jwt_replay WHERE expires_at <= $1', [now]);
    await this.db.query('DELETE FROM issued_cards WHERE expires_at <= $1', [now]);
    await this.db.query('DELETE FROM snoozes WHERE until <= $1', [now]);
  }

  async ready(): Promise<StoreHealth> {
    if (this.#closed) return { ok: false, kind: this.kind, detail: 'store closed' };
    try {
      await this.db.query('SELECT 1');
      return { ok: true, kind: this.kind };
    } catch {
      return { ok: false, kind: this.kind, detail: 'database unreachable' };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Everything already queued is written (and its callers answered) before the database closes, and the
    // feedback snapshot is brought up to date without waiting out its interval.
    await this.#writeDrain;
    if (this.#cardsTimer) clearInterval(this.#cardsTimer);
    if (this.#cardsSinceSnapshot) this.#refreshSnapshot();
    this.#snapshotWake?.();
    await this.#snapshotRun;
    try {
      await this.db.close();
    } finally {
      await this.onClose();
    }
  }
}

/** A later snooze never shortens an earlier, longer one. */
async function upsertSnooze(db: { query: SqlDatabase['query'] }, ruleId: string, key: string, until: Date): Promise<void> {
  await db.query(
    `INSERT INTO snoozes (rule_id, patient_key, until) VALUES ($1, $2, $3)
     ON CONFLICT (patient_key, rule_id) DO UPDATE SET until = GREATEST(snoozes.until, EXCLUDED.until)`,
    [ruleId, key, until],
  );
}
