import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fingerprint of the request that started each checkout, written by its first transition and
 * never changed: the checkout key stays taken after Temporal's retention has deleted the saga
 * (core/checkouts/stored-checkout-answers.ts). Null on checkouts started before it.
 */
export class AddCheckoutRequestHash1765584000000 implements MigrationInterface {
  name = 'AddCheckoutRequestHash1765584000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts ADD COLUMN request_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts DROP COLUMN request_hash`);
  }
}
