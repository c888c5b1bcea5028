// The PostgreSQL store (node-postgres pool): what several instances of the service share.
import type { SqlDatabase } from './sql';
import { SqlStore } from './sqlStore';

export async function openPostgresStore(url: string, secret: string, poolMax = 10): Promise<SqlStore> {
  const { Pool } = await import('pg');
  const pool = new Pool({
    connectionString: url,
    max: poolMax,
    // An EHR waits seconds for cards: fail fast rather than queue behind a dead database.
    connectionTimeoutMillis: 5000,
    statement_timeout: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'cds-store',
  });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  const db: SqlDatabase = {
    query: async <R>(sql: string, params?: readonly unknown[]) => (await pool.query(sql, params ? [...params] : undefined)).rows as R[],
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(sql, params ? [...params] : undefined)).rows as R[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  try {
    // Other instances write the same tables: every read goes to the database.
    return await SqlStore.open('postgres', db, secret);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
