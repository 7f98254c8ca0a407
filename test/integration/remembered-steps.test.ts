import { randomBytes } from 'node:crypto';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { MockActivityEnvironment, defaultActivityInfo } from '@temporalio/testing';
import { rememberStepResults } from '../../activities/remembered-steps';
import { StepResultsRepository } from '../../core/effects/step-results.repository';
import { EncryptionCodec } from '../../core/temporal/encryption-codec';
import { auditDatabaseForFile } from '../support/audit-database';
import { checkoutInput, happyActivities } from '../workflows/checkout-saga.harness';
import { uniquePosReference } from '../support/test-stack';

/**
 * A v2 step re-run (its workflow task lost: a worker killed mid-group) answers from the result it
 * recorded in saga_step_results, never asking the vendor again; v1 runs are not remembered.
 */
describe('remembered v2 steps on Postgres', () => {
  const db = auditDatabaseForFile();
  const codec = new EncryptionCodec('k1', randomBytes(32));

  function stepsOf(workflowType: string, checkoutId: string) {
    const calls: string[] = [];
    const activities = rememberStepResults(happyActivities(calls, []), new StepResultsRepository(db.dataSource, codec), new CustomerRefHasher('test-key'));
    const env = new MockActivityEnvironment({
      ...defaultActivityInfo,
      workflowType,
      workflowExecution: { workflowId: checkoutId, runId: 'run-1' },
    });
    return { calls, activities, run: <T>(fn: () => Promise<T>) => env.run(fn) };
  }

  it('answers a re-run of a v2 step from its recorded result, sealed, without calling the vendor again', async () => {
    const input = checkoutInput({ posReference: uniquePosReference('MEMO') });
    const first = stepsOf('checkoutWorkflowV2', input.checkoutId);
    const customer = input.customer!.identifier;
    const answered = await first.run(() => first.activities.identifyCustomer(input, customer));
    // A worker after the crash: another process, the same checkout and step.
    const rerun = stepsOf('checkoutWorkflowV2', input.checkoutId);
    const again = await rerun.run(() => rerun.activities.identifyCustomer(input, customer));

    expect(again).toEqual(answered);
    expect(first.calls).toEqual(['identifyCustomer']);
    expect(rerun.calls).toEqual([]);
    // Other arguments are another step: asked of the vendor.
    await rerun.run(() => rerun.activities.identifyCustomer(input, { ...customer, value: 'other' }));
    expect(rerun.calls).toEqual(['identifyCustomer']);
    // A later sale under the same key (after Temporal's retention) is another execution chain: asked again.
    const later = stepsOf('checkoutWorkflowV2', input.checkoutId);
    await later.run(() => later.activities.identifyCustomer({ ...input, saleChain: 'another-chain' }, customer));
    expect(later.calls).toEqual(['identifyCustomer']);
    // Stored sealed: no customer data in clear.
    const [row] = await db.dataSource.query<Array<{ result: Buffer }>>(`SELECT result FROM saga_step_results WHERE checkout_id = $1 LIMIT 1`, [input.checkoutId]);
    expect(row.result.toString('utf8')).not.toContain('walletBalanceMinor');
  });

  it('does not remember v1 steps (their results are in their histories)', async () => {
    const input = checkoutInput({ posReference: uniquePosReference('MEMO1') });
    const v1 = stepsOf('checkoutWorkflow', input.checkoutId);
    await v1.run(() => v1.activities.identifyCustomer(input, input.customer!.identifier));
    await v1.run(() => v1.activities.identifyCustomer(input, input.customer!.identifier));
    expect(v1.calls).toEqual(['identifyCustomer', 'identifyCustomer']);
    expect(await db.dataSource.query(`SELECT 1 FROM saga_step_results WHERE checkout_id = $1`, [input.checkoutId])).toEqual([]);
  });
});
