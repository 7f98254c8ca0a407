import { type Client, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { ProductSyncInput } from '../../workflows/product-sync.contract';
import { productSyncWorkflow } from '../../workflows/product-sync.workflow';
import { ensureSchedule } from '../../core/temporal/ensure-schedule';

/** 02:00 UTC every night (Temporal schedules read cron in UTC unless told otherwise). */
export const NIGHTLY_PRODUCT_SYNC_CRON = '0 2 * * *';

export function productSyncScheduleId(merchant: string): string {
  return `product-sync-nightly:${merchant}`;
}

/**
 * The nightly product sync: starts productSyncWorkflow in `nightly` mode, which resends the
 * merchant's latest completed catalogue (a copy of the most recent completed POST /v1/products/sync)
 * as a new sync. Created if missing, brought up to date if it exists, so every start may call it.
 */
export async function ensureProductSyncSchedule(
  client: Client,
  { merchant, taskQueue }: { merchant: string; taskQueue: string },
): Promise<'created' | 'updated'> {
  const input: ProductSyncInput = { kind: 'nightly', merchant };
  const options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof productSyncWorkflow>> = {
    scheduleId: productSyncScheduleId(merchant),
    spec: { cronExpressions: [NIGHTLY_PRODUCT_SYNC_CRON] },
    action: {
      type: 'startWorkflow',
      workflowType: productSyncWorkflow,
      // Temporal appends the scheduled time to the id, so each night is its own run.
      workflowId: `product-sync:${merchant}:nightly`,
      taskQueue,
      args: [input],
    },
    // A night that is still sending when the next one is due is not doubled up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
  };
  return ensureSchedule(client, options);
}
