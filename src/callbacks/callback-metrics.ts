import { Counter, Gauge, type Registry } from 'prom-client';

/** The callback counters, on the API's registry (a scrape reads memory; the dispatcher sets the depth as it polls). */
export interface CallbackMetrics {
  attempts: Counter<'outcome'>;
  outboxDepth: Gauge;
}

export function registerCallbackMetrics(registry: Registry): CallbackMetrics {
  const existing = registry.getSingleMetric('checkout_api_callback_attempts_total') as Counter<'outcome'> | undefined;
  return {
    attempts:
      existing ??
      new Counter({
        name: 'checkout_api_callback_attempts_total',
        help: 'Callback POSTs by outcome: delivered, retrying (refused, due again), failed (attempts spent)',
        labelNames: ['outcome'] as const,
        registers: [registry],
      }),
    outboxDepth:
      (registry.getSingleMetric('checkout_api_callback_outbox_pending') as Gauge | undefined) ??
      new Gauge({ name: 'checkout_api_callback_outbox_pending', help: 'Callback events waiting for delivery (at the last poll)', registers: [registry] }),
  };
}
