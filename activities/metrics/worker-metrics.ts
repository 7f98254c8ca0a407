import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Our metrics of the worker process (the Temporal SDK's own are on WORKER_SDK_METRICS_PORT): vendor
 * calls, compensations and saga transitions. Labels are bounded sets (vendor, operation, outcome,
 * activity, state): never a checkout id, store or till.
 */
export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry, prefix: 'checkout_worker_' });

export const vendorCallDuration = new Histogram({
  name: 'checkout_vendor_call_duration_seconds',
  help: 'Vendor HTTP call latency, by vendor, operation and outcome (success, rejected, failed)',
  labelNames: ['vendor', 'operation', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [workerRegistry],
});

export const vendorCallErrors = new Counter({
  name: 'checkout_vendor_call_errors_total',
  help: 'Vendor calls that did not succeed: rejected (a business no) or failed (transient or unknown outcome)',
  labelNames: ['vendor', 'operation', 'outcome'] as const,
  registers: [workerRegistry],
});

export const compensationAttempts = new Counter({
  name: 'checkout_compensation_attempts_total',
  help: 'Undo activity attempts (void, reverse, release), by activity and outcome (done, failed)',
  labelNames: ['activity', 'outcome'] as const,
  registers: [workerRegistry],
});

export const sagaTransitions = new Counter({
  name: 'checkout_saga_transitions_total',
  help: 'Checkout sagas entering each state (recorded by the transition activity)',
  labelNames: ['state'] as const,
  registers: [workerRegistry],
});

export const vendorCircuitState = new Gauge({
  name: 'checkout_vendor_circuit_state',
  help: "Each vendor's circuit breaker in this worker: 1 for its current state (closed, open, half_open), 0 for the others",
  labelNames: ['vendor', 'state'] as const,
  registers: [workerRegistry],
});

export const vendorCircuitTransitions = new Counter({
  name: 'checkout_vendor_circuit_transitions_total',
  help: 'Circuit breaker transitions, by vendor, from and to state (forced ones included)',
  labelNames: ['vendor', 'from', 'to'] as const,
  registers: [workerRegistry],
});

export const vendorCircuitShortCircuits = new Counter({
  name: 'checkout_vendor_circuit_short_circuits_total',
  help: 'Vendor calls answered "unavailable" at once, not sent, because the circuit was open',
  labelNames: ['vendor'] as const,
  registers: [workerRegistry],
});

export function observeVendorCall(vendor: string, operation: string, outcome: 'success' | 'rejected' | 'failed', latencyMs: number): void {
  vendorCallDuration.observe({ vendor, operation, outcome }, latencyMs / 1000);
  if (outcome !== 'success') vendorCallErrors.inc({ vendor, operation, outcome });
}
