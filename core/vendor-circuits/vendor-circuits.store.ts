import type { DataSource } from 'typeorm';

/** A breaker's state as the worker sees it (activities/vendors/vendor-circuit.ts). */
export type CircuitState = 'closed' | 'open' | 'half_open';
/** What ops may force a vendor's breakers to; `auto` (no row, or a null force) leaves them to decide. */
export type CircuitForce = 'open' | 'closed';

/** One worker's breaker of one vendor, as that worker last reported it (table vendor_circuits). */
export interface ReportedCircuit {
  worker: string;
  vendor: string;
  state: CircuitState;
  /** When it entered `state`. */
  since: Date;
  forced: CircuitForce | null;
  reportedAt: Date;
}

/** An ops override of one vendor (table vendor_circuit_overrides): null force is `auto`. */
export interface CircuitOverride {
  vendor: string;
  force: CircuitForce | null;
  actor: string;
  at: Date;
}

/** Besides every change, each worker reports its breakers this often, so ops can tell a live worker from a gone one. */
export const CIRCUIT_REPORT_EVERY_MS = 10_000;
/** A worker whose last report is older than this is shown stale, and left out of its vendor's state. */
export const CIRCUIT_REPORT_STALE_MS = 3 * CIRCUIT_REPORT_EVERY_MS;

/** Reports older than this are removed by the workers' next report (a worker long gone). */
const FORGET_REPORTS_AFTER = '1 day';

/**
 * Breakers live in each worker process; Postgres is where they meet the API. Each worker upserts its
 * breakers' states (on each transition and periodically) and reads the overrides ops set through the
 * API. Neither holds anything of a checkout or a customer.
 */
export async function reportCircuits(db: DataSource, worker: string, circuits: ReadonlyArray<Omit<ReportedCircuit, 'worker' | 'reportedAt'>>): Promise<void> {
  if (circuits.length === 0) return;
  await db.query(
    `INSERT INTO vendor_circuits (worker, vendor, state, since, forced, reported_at)
     SELECT $1, c.vendor, c.state, c.since, c.forced, now()
       FROM jsonb_to_recordset($2::jsonb) AS c(vendor text, state text, since timestamptz, forced text)
     ON CONFLICT (worker, vendor) DO UPDATE
       SET state = EXCLUDED.state, since = EXCLUDED.since, forced = EXCLUDED.forced, reported_at = EXCLUDED.reported_at`,
    [worker, JSON.stringify(circuits.map((c) => ({ ...c, since: c.since.toISOString() })))],
  );
  await db.query(`DELETE FROM vendor_circuits WHERE reported_at < now() - interval '${FORGET_REPORTS_AFTER}'`);
}

export async function reportedCircuits(db: DataSource): Promise<ReportedCircuit[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT worker, vendor, state, since, forced, reported_at FROM vendor_circuits ORDER BY vendor, worker`,
  );
  return rows.map((r) => ({
    worker: r.worker as string,
    vendor: r.vendor as string,
    state: r.state as CircuitState,
    since: r.since as Date,
    forced: (r.forced as CircuitForce | null) ?? null,
    reportedAt: r.reported_at as Date,
  }));
}

export async function circuitOverrides(db: DataSource): Promise<CircuitOverride[]> {
  const rows: Array<Record<string, unknown>> = await db.query(`SELECT vendor, force, actor, at FROM vendor_circuit_overrides ORDER BY vendor`);
  return rows.map((r) => ({ vendor: r.vendor as string, force: (r.force as CircuitForce | null) ?? null, actor: r.actor as string, at: r.at as Date }));
}

/** Sets (or, with null, clears) ops' override of a vendor's breakers; the workers apply it within VENDOR_BREAKER_SYNC_MS. */
export async function setCircuitOverride(db: DataSource, vendor: string, force: CircuitForce | null, actor: string): Promise<CircuitOverride> {
  const [row] = (await db.query(
    `INSERT INTO vendor_circuit_overrides (vendor, force, actor, at) VALUES ($1, $2, $3, now())
     ON CONFLICT (vendor) DO UPDATE SET force = EXCLUDED.force, actor = EXCLUDED.actor, at = EXCLUDED.at
     RETURNING vendor, force, actor, at`,
    [vendor, force, actor],
  )) as Array<Record<string, unknown>>;
  return { vendor: row.vendor as string, force: (row.force as CircuitForce | null) ?? null, actor: row.actor as string, at: row.at as Date };
}
