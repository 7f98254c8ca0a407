import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DefinePlugin, NormalModuleReplacementPlugin } from 'webpack';
import { Patches, type PatchId } from '../../workflows/workflow-patches';
import { HISTORIES_DIR } from './checkout-saga.harness';
import { WORKFLOWS_PATH } from './workflow-test-env';

/**
 * Frozen copies of histories recorded by the workflow code from before a patched() change:
 * - commit-failed-compensated, compensation-failed: before the CheckoutFailingStep upsert and the
 *   ops retry wait (46b55ef).
 * - batch-sale-before-capillary-bill: the code of b619ee9^ (before batch sales were billed at
 *   Capillary) completing a sale whose input already asks for that bill (`capillaryBill`), as a
 *   worker not yet upgraded would run a batch sale the new API started. Recorded with that tree's
 *   harness (withSaga, RECORD_HISTORIES=1): reserve, commit and complete Updates, no points and no
 *   coupons, a CRM.COM customer and a CMC post-tender; its complete schedules no Capillary bill.
 * - operator-cancel-during-complete: the code of a2bfe8d (before the complete phase survived an
 *   operator's cancel), recorded by record-histories.ts's path of that name: an ops cancel while
 *   complete retries CMC cancels complete's activities and unwinds the paid sale to `cancelled`.
 * - points-completed-redeemed-at-commit, points-cancelled-after-commit-reversed,
 *   void-points-reversed-after-bill-return: the code of 11b4f29 (before Capillary went in the POS
 *   guide's order, issue 17), recorded by record-histories.ts's paths `completed` and
 *   `cancel-after-commit` (checkout) and `all-undone` (void): the commit redeems the points (and the
 *   cancel reverses them), the complete adds the bill and redeems the Capillary coupon at once, and
 *   the void returns the bill before it reverses the points.
 * - returns-points-reversed-after-bill-return: the code of e5ca30c (before a partial return reversed
 *   the points share first), recorded by record-histories.ts's path `partial-return`: the bill's
 *   share is returned, then the points share reversed.
 * - coupon-without-value: the code of 11b4f29 (before a coupon without a discount value was refused at
 *   reserve), recorded by record-histories.ts's path of that name: the coupon is held, and validated
 *   after payment.
 * - compensation-failed-retried-twice (checkoutWorkflowV2): the code of 9c69c7b (before an ops retry
 *   upserted the search attributes when it ended), recorded by record-histories.ts's path of that name:
 *   the first ops retry fails again and upserts nothing; the second undoes the coupon.
 */
const BEFORE_PATCHES_DIR = path.join(HISTORIES_DIR, 'before-patches');

/** Each guard and the histories above that only replay because of it. */
const GUARDS: Array<{ patch: PatchId; needs: string[] }> = [
  // operator-cancel-during-complete was recorded after failingStep: its unwind carries that marker too.
  { patch: Patches.failingStep, needs: ['commit-failed-compensated', 'compensation-failed', 'operator-cancel-during-complete'] },
  { patch: Patches.capillaryBatchBill, needs: ['batch-sale-before-capillary-bill'] },
  // points-completed-redeemed-at-commit and coupon-without-value were recorded after completeSurvivesOperatorCancel: their complete carries that marker.
  { patch: Patches.completeSurvivesOperatorCancel, needs: ['operator-cancel-during-complete', 'points-completed-redeemed-at-commit', 'coupon-without-value'] },
  // Every history whose commit redeemed points or whose complete billed at Capillary before the reorder.
  {
    patch: Patches.capillaryRedeemAfterBill,
    needs: ['commit-failed-compensated', 'operator-cancel-during-complete', 'points-cancelled-after-commit-reversed', 'points-completed-redeemed-at-commit'],
  },
  { patch: Patches.voidReversesPointsBeforeBillReturn, needs: ['void-points-reversed-after-bill-return'] },
  { patch: Patches.returnsReversePointsBeforeBillReturn, needs: ['returns-points-reversed-after-bill-return'] },
  { patch: Patches.couponWithoutValue, needs: ['coupon-without-value'] },
  { patch: Patches.failedRetryShown, needs: ['compensation-failed-retried-twice'] },
];

function historiesIn(dir: string) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.history.pb'))
    .map((file) => ({
      workflowId: file.replace(/\.history\.pb$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file))),
    }));
}

async function replayErrors(options: ReplayWorkerOptions, dir: string): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  for await (const result of Worker.runReplayHistories(options, historiesIn(dir))) {
    errors[result.workflowId] = result.error ? `${result.error.name}: ${result.error.message}` : 'ok';
  }
  return errors;
}

/**
 * The patched() changes (workflows/workflow-patches.ts): sagas recorded before them must replay with
 * them, and each guard must be what makes its sagas replay. "Without the guard" is the exact
 * production workflow bundled with one module swapped: `isPatched` answers true for that one patch,
 * i.e. its change runs unconditionally, as it would if it had been made without patched(). No flag
 * in the workflow itself, so production code has no test switch.
 */
describe('patched() guards', () => {
  const workflowsPath = WORKFLOWS_PATH;

  it('let the histories recorded before their changes replay with the new code', async () => {
    const errors = await replayErrors({ workflowsPath }, BEFORE_PATCHES_DIR);
    expect(errors).toEqual(Object.fromEntries(GUARDS.flatMap((g) => g.needs).map((id) => [id, 'ok'])));
  });

  it.each(GUARDS)('$patch is needed: without it exactly $needs fail with a nondeterminism error', async ({ patch, needs }) => {
    const unguarded = path.join(__dirname, 'unguarded.patches.ts');
    const errors = await replayErrors(
      {
        workflowsPath,
        bundlerOptions: {
          webpackConfigHook: (config) => ({
            ...config,
            plugins: [
              ...(config.plugins ?? []),
              // Only the workflows' own import of the patches module; the replacement imports the original.
              new NormalModuleReplacementPlugin(/^\.\/workflow-patches$/, (resource: { context: string; request: string }) => {
                if (path.basename(resource.context) === 'workflows') resource.request = unguarded;
              }),
              new DefinePlugin({ UNGUARDED_PATCH: JSON.stringify(patch) }),
            ],
          }),
        },
      },
      BEFORE_PATCHES_DIR,
    );
    const failed = Object.keys(errors).filter((id) => errors[id] !== 'ok');
    expect(failed.sort()).toEqual([...needs].sort());
    for (const id of failed) expect(errors[id]).toMatch(/DeterminismViolationError: .*[Nn]ondeterminism/);
  });

  it('keep their ids: sagas recorded since carry them in their markers', () => {
    expect(Patches).toEqual({
      failingStep: 'search-attribute-failing-step',
      opsRetry: 'ops-retry-compensation',
      capillaryBatchBill: 'capillary-batch-bill',
      completeSurvivesOperatorCancel: 'complete-survives-operator-cancel',
      capillaryRedeemAfterBill: 'capillary-redeem-after-bill',
      voidReversesPointsBeforeBillReturn: 'void-points-before-bill-return',
      returnsReversePointsBeforeBillReturn: 'returns-points-before-bill-return',
      couponWithoutValue: 'coupon-without-value-not-used',
      failedRetryShown: 'ops-retry-shows-its-outcome',
    });
  });
});
