import { randomUUID } from 'node:crypto';
import { auditSealWorkflow } from '../../workflows/audit-seal.workflow';
import { AUDIT_SEAL_SCHEDULE_ID, ensureAuditSealSchedule, NIGHTLY_AUDIT_SEAL_CRON } from '../../src/audit/audit-seal.schedule';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

/** The nightly seal: a Schedule starts auditSealWorkflow, which seals every closed store-day once. */
describe(auditSealWorkflow.name, () => {
  let stack: TestStack;
  const merchant = `seal${randomUUID().slice(0, 8)}`;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startTestStack({ MERCHANT_ID: merchant });
  }, 60_000);
  afterAll(() => stack?.stop());

  it('seals each store-day once, and verify then checks the seals', async () => {
    for (const store of ['S1', 'S2']) {
      await stack.api(stack.keys.admin).post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('SEAL'), { store })).expect(201);
    }
    const run = () =>
      stack.temporal.workflow.execute(auditSealWorkflow, {
        workflowId: `audit-seal-test-${randomUUID()}`,
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        // As if two nights had come: the stores' days of today's sales are closed (S1 and S2 are in
        // Nicosia, where today may already be tomorrow's UTC date).
        args: [{ today: day(2), merchant }],
      });
    expect(await run()).toEqual({ merchants: 1, sealed: 2 });
    expect(await run()).toEqual({ merchants: 1, sealed: 0 });

    const verified = await stack.api(stack.keys.finance).get('/v1/audit/verify').query({ from: day(0), to: day(1) }).expect(200);
    expect(verified.body).toMatchObject({ ok: true, checkedSeals: 2, firstBreak: null });
    expect(verified.body.checkedCheckouts).toBeGreaterThanOrEqual(2);
  });

  it('is created by the start script as a nightly Schedule, and updated (not doubled) on the next start', async () => {
    try {
      expect(await ensureAuditSealSchedule(stack.temporal, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE })).toBe('created');
      expect(await ensureAuditSealSchedule(stack.temporal, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE })).toBe('updated');
      const described = await stack.temporal.schedule.getHandle(AUDIT_SEAL_SCHEDULE_ID).describe();
      expect(described.spec.calendars?.length ?? described.spec.intervals?.length ?? 0).toBeGreaterThan(0);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditSealWorkflow' });
      expect(NIGHTLY_AUDIT_SEAL_CRON).toBe('30 0 * * *');
    } finally {
      await stack.temporal.schedule.getHandle(AUDIT_SEAL_SCHEDULE_ID).delete().catch(() => undefined);
    }
  });
});
