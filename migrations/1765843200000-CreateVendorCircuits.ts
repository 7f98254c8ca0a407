import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-vendor circuit breakers (issue 22, item 2): they live in each worker process, so Postgres is
 * where ops see and force them. vendor_circuits: each worker's breaker of each vendor as it last
 * reported it; vendor_circuit_overrides: what ops forced (null force: `auto`), by whom and when (the
 * ops action itself is also an audit row). Nothing of a checkout or a customer.
 */
export class CreateVendorCircuits1765843200000 implements MigrationInterface {
  name = 'CreateVendorCircuits1765843200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE vendor_circuits (
        worker      text        NOT NULL,
        vendor      text        NOT NULL,
        state       text        NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
        since       timestamptz NOT NULL,
        forced      text        CHECK (forced IN ('open', 'closed')),
        reported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (worker, vendor)
      )`);
    await q.query(`
      CREATE TABLE vendor_circuit_overrides (
        vendor text        PRIMARY KEY,
        force  text        CHECK (force IN ('open', 'closed')),
        actor  text        NOT NULL,
        at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vendor_circuit_overrides`);
    await q.query(`DROP TABLE vendor_circuits`);
  }
}
