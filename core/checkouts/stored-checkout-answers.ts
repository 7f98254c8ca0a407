import type { DataSource } from 'typeorm';
import type { TextSealer } from '../temporal/encryption-codec';
import { FINAL_STATES, type CheckoutState, type CheckoutView } from '../../workflows/checkout.contract';
import { openProjectionCodes } from './projection-codes';

/** A checkout that has ended, as its `checkouts` row keeps it: what a replay of its request is answered with. */
export interface StoredCheckoutAnswer {
  /** The fingerprint of the request that started it (CheckoutRef.requestHash). */
  requestHash: string;
  currency: string;
  view: CheckoutView;
}

/**
 * The states of a sale that has ended: the final ones, and a completed sale's returns (its returns
 * saga moves the row on; the sale itself stays ended). A row in any other state is a saga still
 * running, which Temporal finds by its id.
 */
export const ENDED_STATES: readonly CheckoutState[] = [...FINAL_STATES, 'partially_returned', 'returned'];

/** Where the saga client looks before it starts a saga. */
export interface CheckoutAnswerStore {
  findEnded(checkoutId: string): Promise<StoredCheckoutAnswer | null>;
}

/**
 * Idempotency beyond Temporal's retention. Once a closed saga's history is deleted, Temporal no longer
 * knows its id, and a start with that id would run the sale again. The saga's own transitions keep
 * the starting request's fingerprint and the final view in the `checkouts` row (the same write that
 * moves the projection: no extra round trip on the saga's side), so before a start one primary-key
 * read tells an ended checkout: its request is answered from the row, another body is a 409, and
 * nothing starts. A checkout still running, or one whose row predates the fingerprint, goes to
 * Temporal as before (a running saga is found there by its id).
 */
export class StoredCheckoutAnswers implements CheckoutAnswerStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly codes: TextSealer,
  ) {}

  async findEnded(checkoutId: string): Promise<StoredCheckoutAnswer | null> {
    let rows: Array<{ request_hash: string; currency: string; view: CheckoutView }>;
    try {
      rows = await this.readEnded(checkoutId);
    } catch {
      // Postgres unreachable: the till must still sell (the saga's audit writes wait for Postgres).
      // Temporal still refuses a second run of any saga within retention; only a replay of a sale
      // older than that, during the outage, is not caught here.
      return null;
    }
    const row = rows[0];
    return row ? { requestHash: row.request_hash, currency: row.currency.trim(), view: openProjectionCodes(row.view, this.codes) } : null;
  }

  private readEnded(checkoutId: string): Promise<Array<{ request_hash: string; currency: string; view: CheckoutView }>> {
    return this.dataSource.query(
      `SELECT request_hash, currency, view FROM checkouts
        WHERE id = $1 AND request_hash IS NOT NULL AND view IS NOT NULL AND state = ANY($2::text[])`,
      [checkoutId, ENDED_STATES],
    );
  }
}
