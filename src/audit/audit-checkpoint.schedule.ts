import { type Client, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { AppConfig } from '../../core/config/app-config';
import { ensureSchedule } from '../../core/temporal/ensure-schedule';
import { withTemporalClient } from '../../core/temporal/temporal-client';
import { auditCheckpointWorkflow } from '../../workflows/audit-checkpoint.workflow';

export const AUDIT_CHECKPOINT_SCHEDULE_ID = 'audit-checkpoint';

/** Creates the head checkpoint schedule, or brings it up to date (a new interval): every start may call it. */
export async function ensureAuditCheckpointSchedule(client: Client, { taskQueue, intervalSeconds }: { taskQueue: string; intervalSeconds: number }): Promise<'created' | 'updated'> {
  const options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof auditCheckpointWorkflow>> = {
    scheduleId: AUDIT_CHECKPOINT_SCHEDULE_ID,
    spec: { intervals: [{ every: `${intervalSeconds}s` }] },
    action: { type: 'startWorkflow', workflowType: auditCheckpointWorkflow, workflowId: 'audit-checkpoint', taskQueue, args: [{}] },
    // A missed run is not worth catching up one by one: the next covers everything since the last.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
  };
  return ensureSchedule(client, options);
}

/** For the start script: connects with the app's settings, ensures the schedule, disconnects. */
export async function ensureAuditCheckpointScheduleFor(config: AppConfig): Promise<'created' | 'updated'> {
  return withTemporalClient(config, (client) =>
    ensureAuditCheckpointSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, intervalSeconds: config.AUDIT_CHECKPOINT_INTERVAL_SECONDS }),
  );
}
