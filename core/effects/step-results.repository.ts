import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
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
    const [payload] = await this.codec.decode([fromStored(rows[0].result)]);
    return { value: defaultPayloadConverter.fromPayload(payload) };
  }

  /** Records the step's result; a result recorded first (an overlapping re-run) is kept. */
  async save(checkoutId: string, stepKey: string, value: unknown): Promise<void> {
    const [sealed] = await this.codec.encode([defaultPayloadConverter.toPayload(value)]);
    await untilDatabaseAnswers(
      () =>
        this.dataSource.query(`INSERT INTO saga_step_results (checkout_id, step_key, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          checkoutId,
          stepKey,
          toStored(sealed),
        ]),
      this.patienceMs,
    );
  }
}

/** A payload as bytes: its metadata and data as one JSON document (base64 values). */
function toStored(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }));
}

function fromStored(stored: Buffer): Payload {
  const { metadata, data } = JSON.parse(stored.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return { metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(data, 'base64') };
}
