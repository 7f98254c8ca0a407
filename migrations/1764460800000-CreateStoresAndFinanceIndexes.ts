import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finance reads: each store's time zone (a finance day is a calendar day where the store is), the
 * index the audit-event listing pages on, and one SQL function that renders an instant in a store's
 * zone with its offset (so every finance time is formatted by Postgres, never by JS date math).
 *
 * Stores are a table, not an env variable: a merchant onboards stores while the API runs, and the
 * admin API (issue 6) will manage them like keys. A store without a row reports in UTC and says so.
 */
export class CreateStoresAndFinanceIndexes1764460800000 implements MigrationInterface {
  name = 'CreateStoresAndFinanceIndexes1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION is_time_zone(tz text) RETURNS boolean LANGUAGE sql STABLE AS
      $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$`);
    await q.query(`
      CREATE TABLE stores (
        merchant   text NOT NULL,
        store      text NOT NULL,
        time_zone  text NOT NULL CHECK (is_time_zone(time_zone)),
        PRIMARY KEY (merchant, store)
      )`);
    // The sandbox merchant's stores (CRM.COM and ClearLine are Cypriot; the seeds' venue is S1).
    await q.query(`
      INSERT INTO stores (merchant, store, time_zone) VALUES
        ('demo', 'S1', 'Asia/Nicosia'), ('demo', 'S2', 'Asia/Nicosia'), ('demo', 'S3', 'Asia/Nicosia')`);
    await q.query(`
      CREATE FUNCTION local_iso(ts timestamptz, tz text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT to_char(ts AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS.MS')
               || CASE WHEN o < 0 THEN '-' ELSE '+' END
               || lpad((abs(o) / 60)::text, 2, '0') || ':' || lpad((abs(o) % 60)::text, 2, '0')
          FROM (SELECT (extract(epoch FROM (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC')) / 60)::int AS o) AS offset_minutes
      $$`);
    // GET /v1/audit/events pages through a merchant's rows in (recorded_at, id) order.
    await q.query(`CREATE INDEX audit_events_merchant_time_id_idx ON audit_events (merchant, recorded_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_merchant_time_id_idx`);
    await q.query(`DROP FUNCTION local_iso`);
    await q.query(`DROP TABLE stores`);
    await q.query(`DROP FUNCTION is_time_zone`);
  }
}
