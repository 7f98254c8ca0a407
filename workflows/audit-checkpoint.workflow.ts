import { proxyActivities } from '@temporalio/workflow';
import type { createAuditCheckpointActivities } from '../activities/audit-checkpoint.activities';

const { checkpointAuditHeads } = proxyActivities<ReturnType<typeof createAuditCheckpointActivities>>({
  // One indexed read and one append per merchant; a merchant's first checkpoint reads every checkout.
  startToCloseTimeout: '10m',
  // Bounded: the schedule skips a run while one is still going, so a run retrying for ever would stop
  // every later checkpoint. The next run covers everything since each merchant's last complete one.
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 3 },
});

/**
 * A head checkpoint (run by the `audit-checkpoint` Schedule every AUDIT_CHECKPOINT_INTERVAL_SECONDS):
 * the newest audit row of every checkout that changed since the last one, written outside Postgres
 * (core/audit/audit-checkpointer.ts). `merchant` narrows it for a by-hand run.
 */
export async function auditCheckpointWorkflow(input: { merchant?: string } = {}): Promise<{ merchants: number; heads: number }> {
  return checkpointAuditHeads(input);
}
