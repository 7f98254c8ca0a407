import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../core/config/app-config';
import { withTemporalClient } from '../../core/temporal/temporal-client';
import { AUDIT_CHECKPOINT_SCHEDULE_ID, ensureAuditCheckpointSchedule } from '../audit/audit-checkpoint.schedule';
import { AUDIT_SEAL_SCHEDULE_ID, ensureAuditSealSchedule } from '../audit/audit-seal.schedule';
import { ensureProductSyncSchedule, productSyncScheduleId } from '../products/product-sync.schedule';

export interface ScheduleOutcome {
  scheduleId: string;
  /** What it runs and when, for the line the start script and the schedules command print. */
  description: string;
  outcome: 'created' | 'updated';
}

type ScheduleSettings = Pick<AppConfig, 'MERCHANT_ID' | 'TEMPORAL_TASK_QUEUE' | 'AUDIT_CHECKPOINT_INTERVAL_SECONDS'>;

/**
 * Every Temporal Schedule the application runs, created or brought up to date: the nightly product
 * sync of the deployment's merchant, the nightly audit seal and the audit head checkpoint. Without the
 * last two no seal or checkpoint is ever written outside Postgres. Idempotent: every deploy runs it.
 */
export async function ensureAppSchedules(client: Client, config: ScheduleSettings): Promise<ScheduleOutcome[]> {
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const intervalSeconds = config.AUDIT_CHECKPOINT_INTERVAL_SECONDS;
  return [
    {
      scheduleId: productSyncScheduleId(config.MERCHANT_ID),
      description: 'nightly product sync, 02:00 UTC',
      outcome: await ensureProductSyncSchedule(client, { merchant: config.MERCHANT_ID, taskQueue }),
    },
    { scheduleId: AUDIT_SEAL_SCHEDULE_ID, description: 'nightly audit seal, 00:30 UTC', outcome: await ensureAuditSealSchedule(client, { taskQueue }) },
    {
      scheduleId: AUDIT_CHECKPOINT_SCHEDULE_ID,
      description: `audit head checkpoint, every ${intervalSeconds} s`,
      outcome: await ensureAuditCheckpointSchedule(client, { taskQueue, intervalSeconds }),
    },
  ];
}

/** Connects with the app's settings (the payload codec included: a schedule's arguments are payloads), ensures them, disconnects. */
export function ensureAppSchedulesFor(config: AppConfig): Promise<ScheduleOutcome[]> {
  return withTemporalClient(config, (client) => ensureAppSchedules(client, config));
}

export function scheduleLine({ scheduleId, description, outcome }: ScheduleOutcome): string {
  return `schedule ${scheduleId} ${outcome} (${description})`;
}
