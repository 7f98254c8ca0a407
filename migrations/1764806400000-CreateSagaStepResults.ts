import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Step results of checkoutWorkflowV2's local activities: a re-run of a workflow task (a worker killed
 * mid-group, a reset) re-runs its local activities, and each answers from here before asking the
 * vendor again. Keyed by checkout and step (activity and arguments), never by attempt or run. The
 * result is sealed with the Temporal payload codec's key, as it would be in the workflow history.
 */
export class CreateSagaStepResults1764806400000 implements MigrationInterface {
  name = 'CreateSagaStepResults1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saga_step_results (
        checkout_id text NOT NULL,
        step_key text NOT NULL,
        result bytea NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (checkout_id, step_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saga_step_results`);
  }
}
