// Schema migrations, shared by the embedded store (PGlite) and PostgreSQL: numbered, applied in order in one
// transaction that holds an advisory lock, so instances starting together never apply one twice. Never edit a
// released migration: add the next number.
import type { SqlDatabase } from './sql';
import { StoreConfigError } from './types';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'replay ids, issued cards, feedback, snoozes',
    statements: [
      `CREATE TABLE jwt_replay (
         issuer text NOT NULL,
         jti text NOT NULL,
         expires_at timestamptz NOT NULL,
         PRIMARY KEY (issuer, jti)
       )`,
      `CREATE INDEX jwt_replay_expires ON jwt_replay (expires_at)`,
      `CREATE TABLE issued_cards (
         card_uuid text PRIMARY KEY,
         service_id text NOT NULL,
         rule_ids text[] NOT NULL,
         patient_key text NOT NULL,
         issued_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL
       )`,
      `CREATE INDEX issued_cards_expires ON issued_cards (expires_at)`,
      // rule_ids is copied from the card when the feedback arrives, so the report outlives the card rows.
      `CREATE TABLE feedback (
         id bigserial PRIMARY KEY,
         service_id text NOT NULL,
         card_uuid text NOT NULL,
         rule_ids text[] NOT NULL,
         outcome text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
         reason_system text,
         reason_code text,
         outcome_at timestamptz NOT NULL,
         received_at timestamptz NOT NULL
       )`,
      // The same feedback sent twice (a client retry) is stored once.
      `CREATE UNIQUE INDEX feedback_once ON feedback
         (service_id, card_uuid, outcome, outcome_at, (coalesce(reason_system, '')), (coalesce(reason_code, '')))`,
      `CREATE TABLE snoozes (
         rule_id text NOT NULL,
         patient_key text NOT NULL,
         until timestamptz NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (patient_key, rule_id)
       )`,
      `CREATE INDEX snoozes_until ON snoozes (until)`,
      `CREATE TABLE store_meta (
         key text PRIMARY KEY,
         value text NOT NULL
       )`,
    ],
  },
];

/** Arbitrary but fixed: the advisory lock that serialises migrations of this store ("CDSS" in ASCII). */
const MIGRATION_LOCK = 1128551251;

/** Applies the missing migrations; returns the versions applied now (empty when the schema was current). */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      throw new StoreConfigError(
        `the CDS store's schema is at version ${newest}, newer than this version of the app knows (${known}); upgrade the app instead of running an older one on this database`,
      );
    }
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
