import type { DataSource, EntityManager } from 'typeorm';

/** What the security_events table records (migrations 1765497600000, 1765670400000). */
export type SecurityEventKind = 'key_created' | 'key_revoked' | 'authentication_failed' | 'audit_read' | 'report_read' | 'payload_decode' | 'payload_encode';

export interface SecurityEvent {
  event: SecurityEventKind;
  /** The merchant the event is about; null when it cannot be known (a key id no merchant has). */
  merchant: string | null;
  /**
   * Who: `key:<keyId>` for an API key (never the key), `cli` for the keys CLI, `anonymous` for no valid
   * key; codec calls also `oidc:<subject>` (the Temporal UI's signed-in user) or `ui-token` (npm start's UI).
   */
  actor: string;
  /** What: a key id, a route template. */
  subject?: string | null;
  /** `ok`, `refused`, or the outcome a revocation had (`already-revoked`, `unknown`). */
  outcome: string;
  /** How many times the event happened (failed authentications are counted, not each written). */
  count?: number;
  /** Where from: the client address of an HTTP request, `cli` for the CLI. */
  source?: string | null;
  /** More about it, no secret and no customer data: a read's filters, a key's role and scope. */
  detail?: Record<string, unknown>;
}

/**
 * Writes security events, append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). The runtime
 * role needs INSERT and SELECT on security_events, nothing more.
 */
export async function recordSecurityEvent(db: DataSource | EntityManager, e: SecurityEvent): Promise<void> {
  await db.query(
    `INSERT INTO security_events (event, merchant, actor, subject, outcome, count, source, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.event, e.merchant, e.actor, e.subject ?? null, e.outcome, e.count ?? 1, e.source ?? null, JSON.stringify(e.detail ?? {})],
  );
}

export interface SecurityEventRow {
  id: string;
  occurredAt: Date;
  event: SecurityEventKind;
  merchant: string | null;
  actor: string;
  subject: string | null;
  outcome: string;
  count: number;
  source: string | null;
  detail: Record<string, unknown>;
}

/** A merchant's events after `afterId`, oldest first (GET /v1/security/events pages with it). */
export async function securityEventsOf(db: DataSource, merchant: string, afterId: string, limit: number): Promise<SecurityEventRow[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT id::text, occurred_at, event, merchant, actor, subject, outcome, count, source, detail
       FROM security_events WHERE merchant = $1 AND id > $2::bigint ORDER BY id LIMIT $3`,
    [merchant, afterId, limit],
  );
  return rows.map((r) => ({
    id: r.id as string,
    occurredAt: r.occurred_at as Date,
    event: r.event as SecurityEventKind,
    merchant: r.merchant as string | null,
    actor: r.actor as string,
    subject: r.subject as string | null,
    outcome: r.outcome as string,
    count: r.count as number,
    source: r.source as string | null,
    detail: r.detail as Record<string, unknown>,
  }));
}
