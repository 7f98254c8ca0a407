import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The phased checkout: the projection keeps the whole view (quote, commitment, receipt, compensations). */
export class AddCheckoutView1763856000000 implements MigrationInterface {
  name = 'AddCheckoutView1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts ADD COLUMN view jsonb`);
    await q.query(`ALTER TABLE checkouts ADD COLUMN spent_minor bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts DROP COLUMN spent_minor`);
    await q.query(`ALTER TABLE checkouts DROP COLUMN view`);
  }
}
