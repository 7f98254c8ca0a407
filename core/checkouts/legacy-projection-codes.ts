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
  return [await sealCheckouts(dataSource, sealer, only, report), await sealOutbox(dataSource, sealer, only, report)];
}

async function sealCheckouts(dataSource: DataSource, sealer: TextSealer, merchant: string | null, report: (p: SealedCodesProgress) => void): Promise<SealedCodesProgress> {
  const progress: SealedCodesProgress = { table: 'checkouts', scanned: 0, sealed: 0 };
  for (let after = ''; ; ) {
    const rows = await dataSource.query<Array<{ id: string; view: CheckoutView; receipt: CheckoutReceipt | null; raw: string }>>(
      `SELECT id, view, receipt, view::text AS raw FROM checkouts
        WHERE id > $1 AND view IS NOT NULL AND ($2::text IS NULL OR merchant = $2) ORDER BY id LIMIT ${PAGE}`,
      [after, merchant],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!holdsClearCodes(row.view)) continue;
      const stored = sealProjectionCodes({ view: row.view, receipt: row.receipt }, sealer);
      const updated = await dataSource.query(
        `UPDATE checkouts SET view = $2, receipt = $3, failure_reason = $4 WHERE id = $1 AND view::text = $5`,
        [row.id, JSON.stringify(stored.view), stored.receipt ? JSON.stringify(stored.receipt) : null, stored.view.rejection?.reason ?? stored.view.failureReason ?? null, row.raw],
      );
      progress.sealed += (updated as [unknown, number])[1];
    }
    progress.scanned += rows.length;
    after = rows[rows.length - 1].id;
    report(progress);
  }
  return progress;
}

async function sealOutbox(dataSource: DataSource, sealer: TextSealer, merchant: string | null, report: (p: SealedCodesProgress) => void): Promise<SealedCodesProgress> {
  const progress: SealedCodesProgress = { table: 'callback_outbox', scanned: 0, sealed: 0 };
  for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
    const rows = await dataSource.query<Array<{ event_id: string; view: CheckoutView; raw: string }>>(
      `SELECT event_id, view, view::text AS raw FROM callback_outbox
        WHERE event_id > $1 AND ($2::text IS NULL OR merchant = $2) ORDER BY event_id LIMIT ${PAGE}`,
      [after, merchant],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      if (!holdsClearCodes(row.view)) continue;
      const { view } = sealProjectionCodes({ view: row.view, receipt: null }, sealer);
      const updated = await dataSource.query(`UPDATE callback_outbox SET view = $2 WHERE event_id = $1 AND view::text = $3`, [row.event_id, JSON.stringify(view), row.raw]);
      progress.sealed += (updated as [unknown, number])[1];
    }
    progress.scanned += rows.length;
    after = rows[rows.length - 1].event_id;
    report(progress);
  }
  return progress;
}
