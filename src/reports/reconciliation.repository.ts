import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CheckoutView } from '../../workflows/checkout.contract';
import { RECONCILED_TRANSITIONS, type CheckoutDayEvent, type ReconciledTransition, type ReturnFact, type VendorCallGroup } from './reconciliation.types';

/** One store's calendar day in its zone: $1 merchant, $2 store, $3 date, $4 time zone (Postgres does the boundaries). */
const DAY = `day AS (SELECT ($3::date)::timestamp AT TIME ZONE $4 AS from_ts, ($3::date + 1)::timestamp AT TIME ZONE $4 AS to_ts)`;

/** The vendor amounts a completed sale is compared with the POS on (bills sent after payment). */
const BILL_OPERATIONS = ['pos.transaction', 'transaction.add'];

@Injectable()
export class ReconciliationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The day's bounds and the current time, rendered in the store's zone. */
  async dayBounds(date: string, timeZone: string): Promise<{ from: string; to: string; generatedAt: string }> {
    const [row] = await this.dataSource.query(
      `WITH ${DAY.replace(/\$3/g, '$1').replace(/\$4/g, '$2')}
       SELECT local_iso(from_ts, $2) AS from, local_iso(to_ts, $2) AS to, local_iso(now(), $2) AS generated_at FROM day`,
      [date, timeZone],
    );
    return { from: row.from, to: row.to, generatedAt: row.generated_at };
  }

  /**
   * Each checkout's entry into a reconciled state during the day (the transition rows of the audit
   * trail, first one per checkout and state), with its projection and its successful bill amounts.
   */
  async checkoutEventsOfDay(merchant: string, store: string, date: string, timeZone: string): Promise<CheckoutDayEvent[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH ${DAY},
       t AS (
         SELECT DISTINCT ON (e.checkout_id, e.outcome) e.checkout_id, e.outcome, e.recorded_at
           FROM audit_events e, day
          WHERE e.merchant = $1 AND e.store = $2 AND e.kind = 'transition' AND e.outcome = ANY($5)
            AND e.recorded_at >= day.from_ts AND e.recorded_at < day.to_ts
          ORDER BY e.checkout_id, e.outcome, e.recorded_at, e.id)
       SELECT t.checkout_id, t.outcome, local_iso(t.recorded_at, $4) AS at, c.till, c.currency, c.total_minor::text AS total_minor,
              c.view, c.failure_reason,
              (SELECT jsonb_object_agg(b.vendor || ':' || b.operation, b.amount)
                 FROM (SELECT a.vendor, a.operation, sum(a.amount_minor) AS amount FROM audit_events a
                        WHERE a.checkout_id = t.checkout_id AND a.kind = 'vendor_call' AND a.outcome = 'success'
                          AND a.operation = ANY($6) AND a.step NOT LIKE 'void:%' AND a.step NOT LIKE 'return%'
                        GROUP BY a.vendor, a.operation) b) AS vendor_amounts
         FROM t JOIN checkouts c ON c.id = t.checkout_id
        ORDER BY t.recorded_at, t.checkout_id, t.outcome`,
      [merchant, store, date, timeZone, [...RECONCILED_TRANSITIONS], BILL_OPERATIONS],
    );
    return rows.map((r) => ({
      checkoutId: r.checkout_id as string,
      till: r.till as string,
      currency: (r.currency as string).trim(),
      event: r.outcome as ReconciledTransition,
      at: r.at as string,
      totalMinor: Number(r.total_minor),
      view: r.view as CheckoutView | null,
      failureReason: r.failure_reason as string | null,
      vendorAmounts: Object.fromEntries(Object.entries((r.vendor_amounts as Record<string, string | number> | null) ?? {}).map(([k, v]) => [k, Number(v)])),
    }));
  }

  /**
   * Returns of completed sales made during the day, from the projection's `returns` block (one
   * item per return, counted on its `returnedAt`). A return moves the projection, so only checkouts
   * updated since the day began are read.
   */
  async returnsOfDay(merchant: string, store: string, date: string, timeZone: string): Promise<ReturnFact[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH ${DAY}
       SELECT c.id, c.till, c.currency, local_iso((r->>'returnedAt')::timestamptz, $4) AS at,
              (r->>'amountMinor')::bigint::text AS amount_minor, (r->>'refundMinor')::bigint::text AS refund_minor,
              -- A share counts as reversed only where the vendor's reference shows it was (else it is an exception of the return).
              CASE WHEN r->'references' ? 'crmcomReturnNumber' THEN (r->'reversed'->>'awardedMinor')::bigint ELSE 0 END::text AS award_minor,
              CASE WHEN r->'references' ? 'pointsReversedRedemptionId' THEN (r->'reversed'->>'pointsRedeemed')::bigint ELSE 0 END::text AS points,
              CASE WHEN r->'references' ? 'pointsReversedRedemptionId' THEN (r->'reversed'->>'pointsValueMinor')::bigint ELSE 0 END::text AS points_value_minor
         FROM day, checkouts c, jsonb_array_elements(COALESCE(c.view->'returns'->'items', '[]'::jsonb)) AS r
        WHERE c.merchant = $1 AND c.store = $2 AND c.updated_at >= day.from_ts
          AND (r->>'returnedAt')::timestamptz >= day.from_ts AND (r->>'returnedAt')::timestamptz < day.to_ts
        ORDER BY r->>'returnedAt', c.id`,
      [merchant, store, date, timeZone],
    );
    return rows.map((r) => ({
      checkoutId: r.id as string,
      till: r.till as string,
      currency: (r.currency as string).trim(),
      at: r.at as string,
      amountMinor: Number(r.amount_minor),
      refundMinor: Number(r.refund_minor),
      awardReversedMinor: Number(r.award_minor),
      pointsReversed: Number(r.points),
      pointsValueReversedMinor: Number(r.points_value_minor),
    }));
  }


  /** Every vendor call attempt of the day, counted by till, vendor, step, operation and outcome. */
  async vendorCallsOfDay(merchant: string, store: string, date: string, timeZone: string): Promise<VendorCallGroup[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH ${DAY}
       SELECT e.till, e.vendor, e.step, e.operation, e.outcome, e.currency, count(*)::int AS count, COALESCE(sum(e.amount_minor), 0)::text AS amount_minor
         FROM audit_events e, day
        WHERE e.merchant = $1 AND e.store = $2 AND e.kind = 'vendor_call'
          AND e.recorded_at >= day.from_ts AND e.recorded_at < day.to_ts
        GROUP BY e.till, e.vendor, e.step, e.operation, e.outcome, e.currency`,
      [merchant, store, date, timeZone],
    );
    return rows.map((r) => ({
      till: r.till as string,
      vendor: r.vendor as string,
      step: r.step as string,
      operation: r.operation as string,
      outcome: r.outcome as string,
      currency: ((r.currency as string | null) ?? '').trim(),
      count: r.count as number,
      amountMinor: Number(r.amount_minor),
    }));
  }
}
