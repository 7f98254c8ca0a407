import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

export type AuditKind = 'vendor_call' | 'transition' | 'ops_action' | 'callback';
/**
 * success: the vendor did it; rejected: a business refusal; failed: transient or unknown outcome of
 * that call (it may be retried); unknown: an effect without a lookup that an earlier try may have
 * applied, which was therefore not sent again (CMC): an exception for ops and finance to settle.
 */
export type VendorCallOutcome = 'success' | 'rejected' | 'failed' | 'unknown';

/**
 * One row per vendor call attempt and per saga transition. Append-only: the database refuses
 * UPDATE, DELETE and TRUNCATE (see the migration), and `idempotencyKey` makes retried writes no-ops.
 * Each row is a link of its checkout's hash chain (core/audit/audit-chain.ts).
 */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  /** BIGINT, read as a string by pg: it is an ordering cursor, never arithmetic. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'idempotency_key', type: 'text', unique: true })
  idempotencyKey: string;

  @Column({ name: 'checkout_id', type: 'text' })
  checkoutId: string;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId: string | null;

  @Column({ type: 'text' })
  kind: AuditKind;

  @Column({ type: 'text' })
  step: string;

  @Column({ type: 'text', nullable: true })
  vendor: string | null;

  @Column({ type: 'text', nullable: true })
  operation: string | null;

  /** For a vendor call a VendorCallOutcome; for a transition the state entered. */
  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'http_status', type: 'int', nullable: true })
  httpStatus: number | null;

  @Column({ name: 'latency_ms', type: 'int', nullable: true })
  latencyMs: number | null;

  @Column({ type: 'int', default: 1 })
  attempt: number;

  @Column({ name: 'amount_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  amountMinor: number | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ name: 'vendor_reference', type: 'text', nullable: true })
  vendorReference: string | null;

  @Column({ name: 'request_excerpt', type: 'jsonb', nullable: true })
  requestExcerpt: object | null;

  @Column({ name: 'response_excerpt', type: 'jsonb', nullable: true })
  responseExcerpt: object | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  /** Who took an ops action (`ops` until API keys land, then the key id); null on other rows. */
  @Column({ type: 'text', nullable: true })
  actor: string | null;

  @Column({ type: 'text' })
  merchant: string;

  @Column({ type: 'text' })
  store: string;

  @Column({ type: 'text' })
  till: string;

  /** HMAC-SHA256 (AUDIT_HMAC_KEY) of the customer identifier the row's call was about; never the identifier. */
  @Column({ name: 'customer_ref', type: 'text', nullable: true })
  customerRef: string | null;

  /** Set by the writer (not the database): it is part of the hashed content. */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  /** The previous row's row_hash in this checkout's chain (64 zeros for the first row). */
  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  /** HMAC-SHA256 under key `key_id` of (prev_hash || canonical content), or sha256 of it on legacy rows: see core/audit/audit-chain.ts. */
  @Column({ name: 'row_hash', type: 'char', length: 64 })
  rowHash: string;

  /** The id of the chain key row_hash was computed with (core/audit/audit-keys.ts); null on legacy rows. */
  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId: string | null;
}
