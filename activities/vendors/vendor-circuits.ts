import type { AppConfig } from '../../core/config/app-config';
import type { CircuitOverride } from '../../core/vendor-circuits/vendor-circuits.store';
import { vendorCircuitShortCircuits, vendorCircuitState, vendorCircuitTransitions } from '../metrics/worker-metrics';
import { VendorCircuit, type CircuitSettings, type CircuitState } from './vendor-circuit';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

/** Where transitions are logged: the worker's pino logger (through the Temporal Runtime's). */
export interface CircuitLog {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export function circuitSettingsOf(config: AppConfig): CircuitSettings {
  return {
    failurePercent: config.VENDOR_BREAKER_FAILURE_PERCENT,
    volumeThreshold: config.VENDOR_BREAKER_VOLUME_THRESHOLD,
    windowMs: config.VENDOR_BREAKER_WINDOW_MS,
    cooldownMs: config.VENDOR_BREAKER_COOLDOWN_MS,
  };
}

/**
 * A worker's circuit breakers, one per vendor name (the adapters' VENDOR), made when an adapter is
 * built. Every transition is a log line, a metric and a report to Postgres (`onChange`, which the
 * sync sets: vendor-circuit-sync.ts).
 */
export class VendorCircuits {
  private readonly circuits = new Map<string, VendorCircuit>();
  /** Called on every transition and applied override: the sync reports the new states at once. */
  onChange: () => void = () => undefined;

  constructor(
    private readonly settings: CircuitSettings,
    private readonly log: CircuitLog,
  ) {}

  of(vendor: string): VendorCircuit {
    let circuit = this.circuits.get(vendor);
    if (!circuit) {
      circuit = new VendorCircuit(vendor, this.settings, {
        onTransition: (t) => {
          setStateGauge(t.vendor, t.to);
          vendorCircuitTransitions.inc({ vendor: t.vendor, from: t.from, to: t.to });
          const line = { vendor: t.vendor, from: t.from, to: t.to, forced: t.forced, reason: t.reason };
          if (t.to === 'open') this.log.warn('vendor circuit opened', line);
          else this.log.info(`vendor circuit ${t.to === 'closed' ? 'closed' : 'half-open'}`, line);
          this.onChange();
        },
        onShortCircuit: (name) => vendorCircuitShortCircuits.inc({ vendor: name }),
        onForced: (name, forced, state) => {
          this.log.info('vendor circuit override applied', { vendor: name, forced: forced ?? 'auto', state });
          this.onChange();
        },
      });
      this.circuits.set(vendor, circuit);
      setStateGauge(vendor, circuit.state);
    }
    return circuit;
  }

  all(): VendorCircuit[] {
    return [...this.circuits.values()];
  }

  /** Applies ops' overrides: a vendor without a row (or with a null force) is the breaker's to decide. */
  applyOverrides(overrides: readonly CircuitOverride[]): void {
    const forced = new Map(overrides.map((o) => [o.vendor, o.force]));
    for (const vendor of forced.keys()) this.of(vendor);
    for (const circuit of this.circuits.values()) circuit.force(forced.get(circuit.vendor) ?? null);
  }

  shutdown(): void {
    for (const circuit of this.circuits.values()) circuit.shutdown();
  }
}

function setStateGauge(vendor: string, state: CircuitState): void {
  for (const s of STATES) vendorCircuitState.set({ vendor, state: s }, s === state ? 1 : 0);
}
