import { proxyActivities } from '@temporalio/workflow';
import type { createAuditSealActivities } from '../activities/audit-seal.activities';

const { sealClosedAuditDays } = proxyActivities<ReturnType<typeof createAuditSealActivities>>({
  // A store-day is one small transaction; a backlog of days is still minutes, not hours.
  startToCloseTimeout: '10m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * The daily audit seal (run by the `audit-seal-nightly` Schedule): seals every closed store-day
 * that has audit rows and no seal yet, chaining each store's seals in day order. Idempotent, so a
 * missed night is caught up by the next. `today` (YYYY-MM-DD) and `merchant` narrow it for tests and
 * for a by-hand run; the schedule passes neither (yesterday and before, every merchant).
 */
export async function auditSealWorkflow(input: { today?: string; merchant?: string } = {}): Promise<{ merchants: number; sealed: number }> {
  return sealClosedAuditDays(input);
}
