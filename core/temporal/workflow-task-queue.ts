import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** A worker counts as polling a task queue when it polled within this window (readiness, load shedding, tests). */
export const POLLED_WITHIN_MS = 60_000;

/** The checkout workflow task queue as Temporal describes it now. */
export interface WorkflowTaskQueueState {
  /** Workers that polled within POLLED_WITHIN_MS. */
  pollers: number;
  /** Workflow tasks waiting for a worker, and how long the oldest has waited (0 without `reportStats`). */
  backlogCount: number;
  backlogAgeMs: number;
}

/**
 * One DescribeTaskQueue of a workflow task queue, read the one way /ready, load shedding and the tests'
 * worker processes count it. `reportStats` asks for the backlog too (a costlier call).
 */
export async function describeWorkflowTaskQueue(
  service: Pick<Connection['workflowService'], 'describeTaskQueue'>,
  queue: { namespace: string; taskQueue: string; reportStats?: boolean },
): Promise<WorkflowTaskQueueState> {
  const { pollers, stats } = await service.describeTaskQueue({
    namespace: queue.namespace,
    taskQueue: { name: queue.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    ...(queue.reportStats && { reportStats: true }),
  });
  const now = Date.now();
  const age = stats?.approximateBacklogAge;
  return {
    pollers: (pollers ?? []).filter((p) => now - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < POLLED_WITHIN_MS).length,
    backlogCount: Number(stats?.approximateBacklogCount ?? 0),
    backlogAgeMs: age ? Number(age.seconds ?? 0) * 1000 + Math.floor((age.nanos ?? 0) / 1e6) : 0,
  };
}
