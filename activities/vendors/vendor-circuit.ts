import type { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import CircuitBreaker from 'opossum';
import type { CircuitForce, CircuitState } from '../../core/vendor-circuits/vendor-circuits.store';
import { CIRCUIT_OPEN_CODE } from '../../workflows/till-deadline';
import { isRejection, vendorUnavailable } from './vendor-errors';

export type { CircuitForce, CircuitState } from '../../core/vendor-circuits/vendor-circuits.store';

/** The failure detail's code of a call the breaker held back (never sent): one name, which the saga reads too. */
export const CIRCUIT_OPEN = CIRCUIT_OPEN_CODE;

/** A short-circuited call is retried no sooner than this, even when the probe is due at once. */
const MIN_RETRY_DELAY_MS = 50;

export interface CircuitSettings {
  /** Opens when failures exceed this percentage of the calls in the window… */
  failurePercent: number;
  /** …once the window holds at least this many calls. */
  volumeThreshold: number;
  windowMs: number;
  /** How long it stays open before one probe call may go through (half-open). */
  cooldownMs: number;
}

export interface CircuitTransition {
  vendor: string;
  from: CircuitState;
  to: CircuitState;
  forced: CircuitForce | null;
  reason: string;
  at: Date;
}

export interface CircuitHooks {
  onTransition(transition: CircuitTransition): void;
  onShortCircuit(vendor: string): void;
  /** Ops' override applied (after any transition it caused). */
  onForced(vendor: string, forced: CircuitForce | null, state: CircuitState): void;
}

/**
 * Whether a failed call counts against the vendor's health: it could not be reached, timed out (our
 * VENDOR_TIMEOUT_MS, or the attempt's own budget running out), or said "later" (429, 5xx): what
 * vendorUnavailable classifies. A business refusal is an answer: the vendor is up. (4xx answers
 * never reach here as failures: VendorHttp returns them, and the adapter turns them into refusals.)
 */
export function countsAgainstVendor(err: unknown): boolean {
  return !isRejection(err);
}

/**
 * One vendor's circuit breaker in this worker: opossum's, around every HTTP call to the vendor.
 * While open (or half-open with its probe in flight) a call answers VendorUnavailable at once,
 * without being sent: code CIRCUIT_OPEN, notSent (so effect intents know nothing was applied) and a
 * next retry delay of what is left of the cool-down, so a retried step waits it out. Ops may force it
 * open or closed (vendor_circuit_overrides); `null` hands it back to the breaker.
 */
export class VendorCircuit {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private forcedTo: CircuitForce | null = null;
  private current: CircuitState = 'closed';
  private changedAt: Date;
  private openedAt = 0;
  /** Set while force() drives the breaker, whose own events must not be reported as its decisions. */
  private forcing = false;

  constructor(
    readonly vendor: string,
    private readonly settings: CircuitSettings,
    private readonly hooks: CircuitHooks,
    private readonly now: () => number = Date.now,
  ) {
    this.changedAt = new Date(this.now());
    this.breaker = new CircuitBreaker((send: () => Promise<unknown>) => send(), {
      name: vendor,
      // VendorHttp's own timeout ends a call; it reaches the breaker as a failure like any other.
      timeout: false,
      errorThresholdPercentage: settings.failurePercent,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: settings.cooldownMs,
      errorFilter: (err: unknown) => !countsAgainstVendor(err),
    });
    this.breaker.on('open', () => {
      this.openedAt = this.now();
      this.settle(this.current === 'half_open' ? 'the probe failed' : `failures over ${settings.failurePercent} % of the calls`);
    });
    this.breaker.on('halfOpen', () => this.settle('cool-down over: the next call probes'));
    this.breaker.on('close', () => this.settle('the probe succeeded'));
  }

  /** The state calls meet: a forced one, else the breaker's. */
  get state(): CircuitState {
    if (this.forcedTo) return this.forcedTo;
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  get forced(): CircuitForce | null {
    return this.forcedTo;
  }

  /** What the worker reports to Postgres. */
  snapshot(): { vendor: string; state: CircuitState; since: Date; forced: CircuitForce | null } {
    return { vendor: this.vendor, state: this.state, since: this.changedAt, forced: this.forcedTo };
  }

  /**
   * Sends through the breaker, or throws VendorUnavailable CIRCUIT_OPEN at once without sending, to
   * be retried when the cool-down ends, and no sooner than `retryNoSoonerThanMs` (the attempt's own backoff).
   */
  async run<T>(operation: string, send: () => Promise<T>, retryNoSoonerThanMs = 0): Promise<T> {
    if (this.forcedTo === 'open') throw this.shortCircuit(operation, retryNoSoonerThanMs);
    // Forced closed: sent past the breaker, so what it meets is not counted for when ops hand it back.
    if (this.forcedTo === 'closed') return send();
    try {
      return (await this.breaker.fire(send)) as T;
    } catch (err) {
      if (err instanceof Error && CircuitBreaker.isOurError(err) && (err as { code?: string }).code === 'EOPENBREAKER') throw this.shortCircuit(operation, retryNoSoonerThanMs);
      throw err;
    }
  }

  /**
   * Ops' override: `open` holds every call back, `closed` sends every call whatever fails (past the
   * breaker, counting nothing), null hands it back to the breaker in whatever state it reached
   * meanwhile (after a forced open: half-open once the cool-down passed, so a probe decides).
   */
  force(mode: CircuitForce | null): void {
    if (mode === this.forcedTo) return;
    this.forcedTo = mode;
    this.forcing = true;
    try {
      if (mode === 'open') this.breaker.open();
      else if (mode === 'closed') this.breaker.close();
    } finally {
      this.forcing = false;
    }
    this.settle(mode ? `forced ${mode} by ops` : 'ops override cleared: the breaker decides again');
    this.hooks.onForced(this.vendor, mode, this.state);
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private settle(reason: string): void {
    if (this.forcing) return;
    const to = this.state;
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.changedAt = new Date(this.now());
    this.hooks.onTransition({ vendor: this.vendor, from, to, forced: this.forcedTo, reason, at: this.changedAt });
  }

  private shortCircuit(operation: string, retryNoSoonerThanMs: number): ApplicationFailure {
    this.hooks.onShortCircuit(this.vendor);
    const why = this.forcedTo === 'open' ? 'forced open by ops' : this.breaker.opened ? 'cooling down' : 'its probe call is in flight';
    return vendorUnavailable(this.vendor, `${operation}: circuit open (${why}), not sent`, {
      code: CIRCUIT_OPEN,
      notSent: true,
      retryAfterMs: Math.max(this.untilProbeMs(), retryNoSoonerThanMs),
      // A local activity waiting out a cool-down would hold the workflow task (and a till's answer):
      // it answers at once, and the saga decides (workflows/local-first.ts).
      finalForThisAttempt: inLocalActivity(),
    });
  }

  /** How long until a call may go through again: the cool-down's rest; forced open, a whole cool-down. */
  private untilProbeMs(): number {
    const { cooldownMs } = this.settings;
    if (this.forcedTo === 'open') return cooldownMs;
    if (this.breaker.opened) return Math.max(MIN_RETRY_DELAY_MS, this.openedAt + cooldownMs - this.now());
    // Half-open, the probe in flight: it ends within a vendor timeout; look again soon.
    return Math.max(MIN_RETRY_DELAY_MS, Math.min(1000, cooldownMs));
  }
}

/** Whether this call runs in a local activity (outside any activity, as in unit tests: no). */
function inLocalActivity(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    return false;
  }
}
