import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projection only moves forward: each transition carries the saga's own sequence number, and a
 * late write of an earlier transition (an activity attempt that timed out but committed later)
 * can no longer move a checkout back from completed to committed.
 */
export class AddCheckoutTransitionSeq1763942400000 implements MigrationInterface {
  name = 'AddCheckoutTransitionSeq1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts ADD COLUMN transition_seq int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE checkouts DROP COLUMN transition_seq`);
  }
}
