import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;

export interface SagaStep {
  activityId: string;
  activity: string;
  status: 'scheduled' | 'running' | 'completed' | 'failed' | 'timed_out' | 'cancelled';
  /** The attempt the server last started (retries within an activity leave no history events of their own). */
  attempts: number;
  lastFailure?: string;
  scheduledAt?: string;
  /** Pending only: when the server tries again, and whether an operator paused it. */
  nextAttemptAt?: string;
  paused?: boolean;
}

/**
 * Every activity of a saga's history, with its attempts and last failure, the pending ones
 * completed from DescribeWorkflowExecution (their current attempt and the failure that made the
 * server retry). Failure messages are ours: activities keep vendors' raw bodies out of history.
 */
export function sagaSteps(events: HistoryEvent[], pending: PendingActivity[] = []): SagaStep[] {
  const byScheduledId = new Map<string, SagaStep>();
  const steps: SagaStep[] = [];
  for (const e of events) {
    const id = String(e.eventId ?? '');
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const step: SagaStep = {
        activityId: scheduled.activityId ?? '',
        activity: scheduled.activityType?.name ?? 'unknown',
        status: 'scheduled',
        attempts: 0,
        ...(e.eventTime && { scheduledAt: timestamp(e.eventTime) }),
      };
      byScheduledId.set(id, step);
      steps.push(step);
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const step = byScheduledId.get(String(started.scheduledEventId));
      if (step) {
        step.status = 'running';
        step.attempts = started.attempt ?? 1;
        if (started.lastFailure?.message) step.lastFailure = started.lastFailure.message;
      }
      continue;
    }
    const ended =
      (e.activityTaskCompletedEventAttributes && { status: 'completed' as const, attrs: e.activityTaskCompletedEventAttributes }) ||
      (e.activityTaskFailedEventAttributes && { status: 'failed' as const, attrs: e.activityTaskFailedEventAttributes }) ||
      (e.activityTaskTimedOutEventAttributes && { status: 'timed_out' as const, attrs: e.activityTaskTimedOutEventAttributes }) ||
      (e.activityTaskCanceledEventAttributes && { status: 'cancelled' as const, attrs: e.activityTaskCanceledEventAttributes });
    if (ended) {
      const step = byScheduledId.get(String(ended.attrs.scheduledEventId));
      if (!step) continue;
      step.status = ended.status;
      const failure = 'failure' in ended.attrs ? ended.attrs.failure : undefined;
      if (failure) step.lastFailure = failure.cause?.message ? `${failure.message}: ${failure.cause.message}` : (failure.message ?? undefined);
    }
  }
  for (const p of pending) {
    const step = steps.find((s) => s.activityId === p.activityId && (s.status === 'scheduled' || s.status === 'running'));
    if (!step) continue;
    step.attempts = p.attempt ?? step.attempts;
    if (p.lastFailure?.message) step.lastFailure = p.lastFailure.message;
    if (p.nextAttemptScheduleTime) step.nextAttemptAt = timestamp(p.nextAttemptScheduleTime);
    if (p.paused) step.paused = true;
  }
  return steps;
}

function timestamp(t: temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  const seconds = Number(t?.seconds ?? 0);
  const nanos = t?.nanos ?? 0;
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
