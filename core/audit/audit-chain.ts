import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/**
 * The tamper-evident chain of audit_events: per checkout, each row stores the previous row's hash
 * and `row_hash = HMAC-SHA256_key(prev_hash || canonical(content))` under the chain key its `key_id`
 * names (core/audit/audit-keys.ts), or `sha256(prev_hash || canonical(content))` on legacy rows
 * (no key id, written before keys), where the content is every business column (everything but
 * `id`, `key_id` and the two hashes). The writer and the verifier both use this file,
 * so a row's hash is recomputable from the row as Postgres returns it.
 */

/** The first row of a checkout links to this instead of a previous hash. */
export const CHAIN_GENESIS = '0'.repeat(64);

/** A row as `SELECT * FROM audit_events` returns it (snake_case; bigint as string, jsonb parsed). */
export interface AuditRowContent {
  idempotency_key: string;
  checkout_id: string;
  run_id: string | null;
  kind: string;
  step: string;
  vendor: string | null;
  operation: string | null;
  outcome: string;
  http_status: number | null;
  latency_ms: number | null;
  attempt: number;
  amount_minor: string | number | null;
  currency: string | null;
  vendor_reference: string | null;
  request_excerpt: unknown;
  response_excerpt: unknown;
  error_code: string | null;
  error_message: string | null;
  merchant: string;
  store: string;
  till: string;
  customer_ref: string | null;
  /** Who acted, on ops actions (the API key id); null on the saga's own rows. */
  actor?: string | null;
  recorded_at: Date | string;
}

/** Canonical JSON of a row's business columns: sorted keys, bigint and time as strings. */
export function canonicalAuditContent(row: AuditRowContent): string {
  // An object always stringifies (only undefined and functions do not).
  return stringify({
    idempotency_key: row.idempotency_key,
    checkout_id: row.checkout_id,
    run_id: row.run_id ?? null,
    kind: row.kind,
    step: row.step,
    vendor: row.vendor ?? null,
    operation: row.operation ?? null,
    outcome: row.outcome,
    http_status: row.http_status ?? null,
    latency_ms: row.latency_ms ?? null,
    attempt: Number(row.attempt),
    amount_minor: row.amount_minor === null || row.amount_minor === undefined ? null : String(row.amount_minor),
    currency: row.currency ?? null,
    vendor_reference: row.vendor_reference ?? null,
    request_excerpt: row.request_excerpt ?? null,
    response_excerpt: row.response_excerpt ?? null,
    error_code: row.error_code ?? null,
    error_message: row.error_message ?? null,
    merchant: row.merchant,
    store: row.store,
    till: row.till,
    customer_ref: row.customer_ref ?? null,
    // Added with ops actions: hashed only when set, so rows chained before the column keep their hashes.
    ...(row.actor !== null && row.actor !== undefined && { actor: row.actor }),
    recorded_at: new Date(row.recorded_at).toISOString(),
  }) as string;
}

export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** The legacy (unkeyed) row hash; keyed rows: AuditChainKeys.rowHash. */
export function auditRowHash(prevHash: string, row: AuditRowContent): string {
  return chainHash(prevHash, canonicalAuditContent(row));
}
