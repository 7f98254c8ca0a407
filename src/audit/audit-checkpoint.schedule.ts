import { type Client, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { ensureSchedule } from '../../core/temporal/ensure-schedule';
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
