import {
  CIRCUIT_REPORT_STALE_MS,
  type CircuitForce,
  type CircuitOverride,
  type CircuitState,
  type ReportedCircuit,
} from '../../core/vendor-circuits/vendor-circuits.store';

export interface WorkerCircuitView {
  worker: string;
  state: CircuitState;
  since: string;
  forced: CircuitForce | null;
  reportedAt: string;
  /** Not reported for CIRCUIT_REPORT_STALE_MS: the worker is likely gone; left out of the vendor's state. */
  stale: boolean;
}

export interface VendorCircuitView {
  vendor: string;
  /** The worst of the live workers' states (open, then half_open, then closed); `unknown` when no worker reported lately. */
  state: CircuitState | 'unknown';
  /** When the first live worker in that state entered it. */
  since: string | null;
  /** What ops forced (`auto`: nothing), by whom and when; the workers apply it within VENDOR_BREAKER_SYNC_MS. */
  forced: CircuitForce | 'auto';
  override: { force: CircuitForce | 'auto'; actor: string; at: string } | null;
  workers: WorkerCircuitView[];
}

const SEVERITY: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };

/** One vendor's breakers across the workers, from their reports and ops' override. */
export function vendorCircuitView(vendor: string, reports: readonly ReportedCircuit[], override: CircuitOverride | undefined, now: number): VendorCircuitView {
  const workers = reports
    .filter((r) => r.vendor === vendor)
    .map((r) => ({
      worker: r.worker,
      state: r.state,
      since: r.since.toISOString(),
      forced: r.forced,
      reportedAt: r.reportedAt.toISOString(),
      stale: now - r.reportedAt.getTime() > CIRCUIT_REPORT_STALE_MS,
    }));
  const live = workers.filter((w) => !w.stale);
  const worst = live.reduce<CircuitState | undefined>((s, w) => (s === undefined || SEVERITY[w.state] > SEVERITY[s] ? w.state : s), undefined);
  const since = live.filter((w) => w.state === worst).map((w) => w.since).sort()[0] ?? null;
  return {
    vendor,
    state: worst ?? 'unknown',
    since,
    forced: override?.force ?? 'auto',
    override: override ? { force: override.force ?? 'auto', actor: override.actor, at: override.at.toISOString() } : null,
    workers,
  };
}
