import { Counter, Gauge, type Registry } from 'prom-client';
import type { ShedReason, TaskQueueSnapshot } from './admission-decision';
import type { ThroughputLimit } from './throughput-limit';

/** What the gauges read when scraped: the limiter, the last task queue snapshot, the budgets they are shown for. */
export interface AdmissionState {
  limit: ThroughputLimit;
  queue: () => TaskQueueSnapshot | undefined;
  /** The deployment's default budget per phase, for checkout_api_admission_limit{phase}. */
  defaultBudgetsMs: { reserve: number; oneShot: number };
}

export interface AdmissionCounters {
  admitted(kind: AdmissionKind): void;
  shed(kind: AdmissionKind, reason: ShedReason): void;
}

/** A till's new checkout, or a back-office batch upload (which starts sagas too). */
export type AdmissionKind = 'checkout' | 'batch';

/** Registers the admission's counters and gauges on the API's registry (served by /metrics). */
export function registerAdmissionMetrics(registry: Registry, state: AdmissionState): AdmissionCounters {
  const decisions = new Counter({
    name: 'checkout_api_admission_total',
    help: 'New checkouts and batch uploads admitted or shed (refused 503 before anything started), by kind and reason',
    labelNames: ['kind', 'decision', 'reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'checkout_api_admission_in_flight',
    help: "New checkouts this API process is running (admitted, not yet answered)",
    registers: [registry],
    collect() {
      this.set(state.limit.inFlight);
    },
  });
  new Gauge({
    name: 'checkout_api_admission_limit',
    help: "In-flight new checkouts admitted at the phase's default budget: measured throughput x budget x share, within the configured bounds",
    labelNames: ['phase'] as const,
    registers: [registry],
    collect() {
      for (const [phase, ms] of Object.entries(state.defaultBudgetsMs)) this.set({ phase }, state.limit.limitFor(ms));
    },
  });
  new Gauge({
    name: 'checkout_api_admission_throughput',
    help: 'New checkouts answered per second over the last window (the limit is computed from it)',
    registers: [registry],
    collect() {
      this.set(state.limit.throughput());
    },
  });
  const queueGauge = (name: string, help: string, read: (s: TaskQueueSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const snapshot = state.queue();
        if (snapshot) this.set(read(snapshot));
      },
    });
  queueGauge('checkout_api_task_queue_backlog', 'Workflow tasks waiting in the checkout task queue, as last read from Temporal', (s) => s.backlogCount);
  queueGauge('checkout_api_task_queue_backlog_age_seconds', "How long the checkout task queue's oldest waiting task has waited", (s) => s.backlogAgeMs / 1000);
  queueGauge('checkout_api_task_queue_pollers', 'Workers that polled the checkout task queue in the last minute', (s) => s.pollers);
  return {
    admitted: (kind) => decisions.inc({ kind, decision: 'admitted', reason: '' }),
    shed: (kind, reason) => decisions.inc({ kind, decision: 'shed', reason }),
  };
}
