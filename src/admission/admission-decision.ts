import type { WorkflowTaskQueueState } from '../../core/temporal/workflow-task-queue';

/** Why a new checkout was refused before anything started. */
export type ShedReason = 'in-flight' | 'backlog' | 'no-worker' | 'temporal-exhausted';

/** The checkout task queue as Temporal last described it (task-queue-watch.ts). */
export interface TaskQueueSnapshot extends WorkflowTaskQueueState {
  /** When it was read (ms since the epoch). */
  readAt: number;
}

/** An older snapshot says nothing about now (Temporal slow to describe, or unreachable: that is its own 503). */
export const SNAPSHOT_STALE_MS = 5_000;

export type Admission = { admit: true } | { admit: false; reason: ShedReason; retryAfterSeconds: number; detail: string };

export interface AdmissionInput {
  budgetMs: number;
  budgetShare: number;
  inFlight: number;
  /** ThroughputLimit.limitFor(budgetMs). */
  limit: number;
  queue: TaskQueueSnapshot | undefined;
  now: number;
}

/**
 * Whether the engine can answer a new checkout within its budget. Checked in order of certainty:
 * no worker at all, then the task queue's backlog (every task waits behind it, whichever API sent
 * it), then this process's own requests in flight.
 */
export function decideAdmission({ budgetMs, budgetShare, inFlight, limit, queue, now }: AdmissionInput): Admission {
  if (queue && now - queue.readAt <= SNAPSHOT_STALE_MS) {
    if (queue.pollers === 0) {
      return { admit: false, reason: 'no-worker', retryAfterSeconds: 5, detail: 'No worker is polling the checkout task queue: nothing would run the checkout' };
    }
    const waitMs = budgetMs * budgetShare;
    if (queue.backlogAgeMs >= waitMs) {
      return {
        admit: false,
        reason: 'backlog',
        retryAfterSeconds: clampSeconds(queue.backlogAgeMs / 1000),
        detail: `The engine's backlog (${queue.backlogCount} tasks, the oldest waiting ${Math.round(queue.backlogAgeMs)} ms) would not let it answer within the ${budgetMs} ms budget`,
      };
    }
  }
  if (inFlight >= limit) {
    return {
      admit: false,
      reason: 'in-flight',
      retryAfterSeconds: 1,
      detail: `${inFlight} checkouts are in flight, as many as the engine answers within the ${budgetMs} ms budget at its current throughput`,
    };
  }
  return { admit: true };
}

/** Retry-After in whole seconds, 1 to 30: long enough not to come back into the same queue, short enough for a till. */
function clampSeconds(seconds: number): number {
  return Math.min(30, Math.max(1, Math.ceil(seconds)));
}
