import type { PayloadCodec } from '@temporalio/common';
import { openValue, sealValue } from '../temporal/sealed-value';
import type { DataSource } from 'typeorm';
import { untilDatabaseAnswers } from '../database/database-unavailable';

/**
 * saga_step_results: what a checkoutWorkflowV2 step (a local activity) answered, so that a re-run
 * of its workflow task answers the same without asking the vendor again. The result holds customer
 * data (a wallet, a Capillary customer), so it is stored sealed by the Temporal payload codec, as it
 * would be in the workflow history it stands in for.
 */
export class StepResultsRepository {
  /** Waits out a database outage like the audit writer (a local attempt caps it: remembered-steps.ts). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly codec: PayloadCodec,
    private readonly patienceMs = 120_000,
  ) {}

  /** The recorded result, or `undefined` when this step has not answered yet. */
  async find(checkoutId: string, stepKey: string): Promise<{ value: unknown } | undefined> {
    const rows = await untilDatabaseAnswers(
      () => this.dataSource.query<Array<{ result: Buffer }>>(`SELECT result FROM saga_step_results WHERE checkout_id = $1 AND step_key = $2`, [checkoutId, stepKey]),
      this.patienceMs,
    );
    if (rows.length === 0) return undefined;
    return { value: await openValue(this.codec, rows[0].result) };
  }

  /** Records the step's result; a result recorded first (an overlapping re-run) is kept. */
  async save(checkoutId: string, stepKey: string, value: unknown): Promise<void> {
    const sealed = await sealValue(this.codec, value);
    await untilDatabaseAnswers(
      () =>
        this.dataSource.query(`INSERT INTO saga_step_results (checkout_id, step_key, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          checkoutId,
          stepKey,
          sealed,
        ]),
      this.patienceMs,
    );
  }
}
