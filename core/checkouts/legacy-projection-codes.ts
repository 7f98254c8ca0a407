import type { DataSource } from 'typeorm';
import type { TextSealer } from '../temporal/encryption-codec';
import type { CheckoutReceipt, CheckoutView } from '../../workflows/checkout.contract';
import { holdsClearCodes, sealProjectionCodes } from './projection-codes';

export interface SealedCodesProgress {
  table: 'checkouts' | 'callback_outbox';
  scanned: number;
  sealed: number;
}

const PAGE = 500;

/** A table whose rows carry a checkout view: how to page through it by key and write a row sealed. */
interface ViewTable<R extends { view: CheckoutView }> {
  name: SealedCodesProgress['table'];
  /** A key below every row's. */
  start: string;
  keyOf(row: R): string;
  /** The next page of rows after `after` (of `merchant` when not null), in key order. */
  page(after: string, merchant: string | null): Promise<R[]>;
  /** Writes the row with its codes sealed unless a transition rewrote it meanwhile: the rows changed (0 or 1). */
  seal(row: R): Promise<number>;
}

/**
 * Seals the coupon codes of rows written before the projection kept them sealed (3c2aaa2): checkouts
 * (view, receipt, failure_reason) and the callback outbox's copies (view). Idempotent: a row whose codes
 * are sealed is left as it is, so it may run again, and while the app runs (a row a transition rewrote
 * meanwhile is skipped: the transition sealed it). Pages by key, so it holds one page in memory.
 * `merchant`: that merchant's rows only (a staged rollout; the tests, which share one database).
 */
export async function sealLegacyProjectionCodes(
  dataSource: DataSource,
  sealer: TextSealer,
  { merchant, report = () => undefined }: { merchant?: string; report?: (progress: SealedCodesProgress) => void } = {},
): Promise<SealedCodesProgress[]> {
  const only = merchant ?? null;
  return [await sealTable(checkoutsTable(dataSource, sealer), only, report), await sealTable(outboxTable(dataSource, sealer), only, report)];
}

async function sealTable<R extends { view: CheckoutView }>(
  table: ViewTable<R>,
  merchant: string | null,
  report: (progress: SealedCodesProgress) => void,
): Promise<SealedCodesProgress> {
  const progress: SealedCodesProgress = { table: table.name, scanned: 0, sealed: 0 };
  for (let after = table.start; ; ) {
    const rows = await table.page(after, merchant);
    if (rows.length === 0) break;
    for (const row of rows) if (holdsClearCodes(row.view)) progress.sealed += await table.seal(row);
    progress.scanned += rows.length;
    after = table.keyOf(rows[rows.length - 1]);
    report(progress);
  }
  return progress;
}

/** The row's view as Postgres printed it (`raw`): the guard that the row is still the one read. */
type CheckoutRow = { id: string; view: CheckoutView; receipt: CheckoutReceipt | null; raw: string };
type OutboxRow = { event_id: string; view: CheckoutView; raw: string };

/** An UPDATE's count of rows changed (TypeORM answers [rows, count] for postgres). */
const changed = (result: unknown) => (result as [unknown, number])[1];

function checkoutsTable(dataSource: DataSource, sealer: TextSealer): ViewTable<CheckoutRow> {
  return {
    name: 'checkouts',
    start: '',
    keyOf: (row) => row.id,
    page: (after, merchant) =>
      dataSource.query(
        `SELECT id, view, receipt, view::text AS raw FROM checkouts
          WHERE id > $1 AND view IS NOT NULL AND ($2::text IS NULL OR merchant = $2) ORDER BY id LIMIT ${PAGE}`,
        [after, merchant],
      ),
    async seal(row) {
      const stored = sealProjectionCodes({ view: row.view, receipt: row.receipt }, sealer);
      return changed(
        await dataSource.query(`UPDATE checkouts SET view = $2, receipt = $3, failure_reason = $4 WHERE id = $1 AND view::text = $5`, [
          row.id,
          JSON.stringify(stored.view),
          stored.receipt ? JSON.stringify(stored.receipt) : null,
          stored.view.rejection?.reason ?? stored.view.failureReason ?? null,
          row.raw,
        ]),
      );
    },
  };
}

function outboxTable(dataSource: DataSource, sealer: TextSealer): ViewTable<OutboxRow> {
  return {
    name: 'callback_outbox',
    start: '00000000-0000-0000-0000-000000000000',
    keyOf: (row) => row.event_id,
    page: (after, merchant) =>
      dataSource.query(
        `SELECT event_id, view, view::text AS raw FROM callback_outbox
          WHERE event_id > $1 AND ($2::text IS NULL OR merchant = $2) ORDER BY event_id LIMIT ${PAGE}`,
        [after, merchant],
      ),
    async seal(row) {
      const { view } = sealProjectionCodes({ view: row.view, receipt: null }, sealer);
      return changed(await dataSource.query(`UPDATE callback_outbox SET view = $2 WHERE event_id = $1 AND view::text = $3`, [row.event_id, JSON.stringify(view), row.raw]));
    },
  };
}
