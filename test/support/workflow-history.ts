import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eventually, type PollOptions } from './eventually';

const { EventType } = temporal.api.enums.v1;

/**
 * Waits until the workflow has *handled* the final failure of `failedActivity` (a workflow task
 * completed after it) and then either closed, or is waiting with nothing scheduled but activities of
 * the `stillRunning` types: what it does next can only follow one of those. Read from the history
 * and the pending activities, not from a clock, so "the workflow saw the failure and did not go
 * on" is an observation, whatever the machine's speed. Returns which of the two it was.
 */
export async function whenWorkflowSettlesAfterFailure(
  handle: WorkflowHandle,
  failedActivity: string,
  stillRunning: string[],
  options: PollOptions = {},
): Promise<'closed' | 'waiting'> {
  const read = async (): Promise<'closed' | 'waiting' | undefined> => {
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduledType = new Map(
      events
        .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name]),
    );
    const failedAt = events.findIndex(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED &&
        scheduledType.get(String(e.activityTaskFailedEventAttributes?.scheduledEventId)) === failedActivity,
    );
    if (failedAt < 0) return undefined;
    const described = await handle.describe();
    if (described.status.name !== 'RUNNING') return 'closed';
    const last = events.at(-1);
    const handled = events.slice(failedAt).some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const idle = last?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && !described.raw.pendingWorkflowTask;
    const onlyAllowed = (described.raw.pendingActivities ?? []).every((a) => stillRunning.includes(a.activityType?.name ?? ''));
    return handled && idle && onlyAllowed ? 'waiting' : undefined;
  };
  const settled = await eventually(read, (v) => v !== undefined, { intervalMs: 100, ...options });
  if (!settled) throw new Error(`workflow ${handle.workflowId} never settled after ${failedActivity} failed`);
  return settled;
}

/**
 * Waits until the workflow has handled a cancellation request: the request is in its history and a
 * workflow task completed after it. A test that changes the world only after this knows the workflow
 * reacted to the cancel first, however fast or slow the machine.
 */
export async function whenCancelHandled(handle: WorkflowHandle, options: PollOptions = {}): Promise<void> {
  const handled = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const requestedAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    return requestedAt >= 0 && events.slice(requestedAt).some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  };
  if (!(await eventually(handled, Boolean, { intervalMs: 100, ...options }))) throw new Error(`workflow ${handle.workflowId} never handled its cancellation`);
}
