import { type Client, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { auditSealWorkflow } from '../../workflows/audit-seal.workflow';
import { ensureSchedule } from '../../core/temporal/ensure-schedule';

/** 00:30 UTC: yesterday (UTC) is closed; a late write of a still-running activity has had half an hour. */
export const NIGHTLY_AUDIT_SEAL_CRON = '30 0 * * *';
export const AUDIT_SEAL_SCHEDULE_ID = 'audit-seal-nightly';

/** Creates the nightly seal schedule, or brings it up to date: every start may call it. */
export async function ensureAuditSealSchedule(client: Client, { taskQueue }: { taskQueue: string }): Promise<'created' | 'updated'> {
  const options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof auditSealWorkflow>> = {
    scheduleId: AUDIT_SEAL_SCHEDULE_ID,
    spec: { cronExpressions: [NIGHTLY_AUDIT_SEAL_CRON] },
    action: { type: 'startWorkflow', workflowType: auditSealWorkflow, workflowId: 'audit-seal', taskQueue, args: [{}] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
  };
  return ensureSchedule(client, options);
}
