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
  /** A local activity of checkoutWorkflowV2, read from its marker (it has no activity events). */
  local?: true;
}

/**
 * Every activity of a saga's history (local activities from their markers), with its attempts and last failure, the pending ones
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
    const local = localActivityStep(e);
    if (local) {
      steps.push(local);
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

/** The marker core records for a finished local activity: its data payload names the activity. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

interface LocalActivityMarkerData {
  activity_id?: string;
  activity_type?: string;
  attempt?: number;
  original_schedule_time?: { seconds?: number | string; nanos?: number } | null;
}

/**
 * A local activity as a step: completed or failed (a local activity is only recorded once it has
 * ended), with the attempts it took inside its local budget. One that outlasted its budget shows
 * again as the regular activity it continued as.
 */
function localActivityStep(e: HistoryEvent): SagaStep | undefined {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const payload = marker.details?.data?.payloads?.[0];
  let data: LocalActivityMarkerData = {};
  try {
    data = JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as LocalActivityMarkerData;
  } catch {
    // Not core's JSON marker data: still a step, unnamed.
  }
  const failure = marker.failure;
  return {
    activityId: data.activity_id ?? '',
    activity: data.activity_type ?? 'unknown',
    status: failure ? 'failed' : 'completed',
    attempts: data.attempt ?? 1,
    ...(failure && { lastFailure: failure.cause?.message ? `${failure.message}: ${failure.cause.message}` : (failure.message ?? undefined) }),
    ...(data.original_schedule_time && { scheduledAt: isoOf(Number(data.original_schedule_time.seconds ?? 0), data.original_schedule_time.nanos ?? 0) }),
    local: true,
  };
}

function timestamp(t: temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  return isoOf(Number(t?.seconds ?? 0), t?.nanos ?? 0);
}

function isoOf(seconds: number, nanos: number): string {
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
