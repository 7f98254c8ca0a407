/**
 * The chaos suite's two sizes. `short` (CI, `npm test`) keeps every scenario but shrinks outages,
 * rates and the soak so the whole suite runs in a few minutes; `full` uses the figures of the issue
 * (30 s outages, 10 checkouts/s against a slow vendor, a 30-minute soak at half the benchmark's
 * sustained rate with the worker killed every 5 minutes; CHAOS_SOAK_RATE overrides the soak's rate).
 */
export interface ChaosProfile {
  name: 'short' | 'full';
  /** How long Temporal (scenario 1) and Postgres (scenario 2) stay down. */
  outageMs: number;
  /** Arrival rate of one-shot checkouts while an outage is staged. */
  outageRatePerSecond: number;
  /** Scenarios 3-5: concurrent checkouts through the faulty vendor. */
  faultCheckouts: number;
  /** Scenario 6: the slow vendor's load. */
  slowVendorRatePerSecond: number;
  slowVendorDurationMs: number;
  /** Scenario 7: the soak. */
  soakDurationMs: number;
  soakRatePerSecond: number;
  soakKillEveryMs: number;
}

const PROFILES: Record<ChaosProfile['name'], ChaosProfile> = {
  short: {
    name: 'short',
    outageMs: 10_000,
    outageRatePerSecond: 2,
    faultCheckouts: 5,
    slowVendorRatePerSecond: 3,
    slowVendorDurationMs: 30_000,
    soakDurationMs: 120_000,
    soakRatePerSecond: 3,
    soakKillEveryMs: 60_000,
  },
  full: {
    name: 'full',
    outageMs: 30_000,
    outageRatePerSecond: 5,
    faultCheckouts: 20,
    slowVendorRatePerSecond: 10,
    slowVendorDurationMs: 120_000,
    soakDurationMs: 30 * 60_000,
    // Half the rate the benchmark sustains on this 2-core machine with p99 under 1 s (6/s; see
    // bench/profiling-notes.md), not half the design's 40/s target, which the saga does not reach.
    soakRatePerSecond: Number(process.env.CHAOS_SOAK_RATE ?? 3),
    soakKillEveryMs: 5 * 60_000,
  },
};

/** `CHAOS_PROFILE` (set by `npm run test:chaos -- --profile …`), short by default. */
export function chaosProfile(): ChaosProfile {
  const name = process.env.CHAOS_PROFILE ?? 'short';
  if (name !== 'short' && name !== 'full') throw new Error(`CHAOS_PROFILE must be short or full, not ${name}`);
  return PROFILES[name];
}
