import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import * as registered from '../../workflows';
import { quietTemporalRuntime } from '../support/test-stack';
import { HISTORY_FOLDERS, historiesIn, type RecordedHistory } from './history-folders';

/**
 * Every recorded history (test/histories/<folder>, recorded by record-histories.ts: `npm run
 * record-histories`) must replay against today's workflow code. A change that would break workflows
 * already running fails here: guard it with patched() instead. The histories recorded before the
 * patched() changes are replayed, guard by guard, by patch-replay.test.ts.
 */
describe('recorded histories', () => {
  let workflowBundle: WorkflowBundle;
  beforeAll(async () => {
    quietTemporalRuntime();
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: Runtime.instance().logger });
  });

  async function replayFailures(histories: RecordedHistory[]): Promise<string[]> {
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    return failures;
  }

  it('have a folder for every workflow type the worker registers', () => {
    expect(Object.keys(HISTORY_FOLDERS).sort()).toEqual(Object.keys(registered).sort());
  });

  it.each(Object.entries(HISTORY_FOLDERS).map(([type, folder]) => ({ type, folder })))(
    '$type: every history in test/histories/$folder is one of its runs and replays without nondeterminism',
    async ({ type, folder }) => {
      const histories = historiesIn(folder);
      if (histories.length === 0) throw new Error(`test/histories/${folder} holds no history: record them (npm run record-histories)`);
      expect(histories.filter((h) => h.type !== type).map((h) => `${h.workflowId} is a ${h.type}`)).toEqual([]);
      expect(await replayFailures(histories)).toEqual([]);
    },
  );

  describe('of checkoutWorkflow recorded before patched() existed (test/histories/*.history.pb)', () => {
    const legacy = historiesIn('');

    it('are paths the checkout folder records again on today\'s code', () => {
      // commit-failed-compensated and compensation-failed were byte-identical to their before-patches copies: kept there only.
      expect(legacy.map((h) => h.workflowId).sort()).toEqual(
        [
          'cancel-after-commit',
          'commit-partial-failure',
          'compensation-failed-retried',
          'complete-exception',
          'complete-validate-refused',
          'completed',
          'customer-rejected',
          'expired',
          'invalid-state-and-retries',
          'one-shot-completed',
          'operator-cancel-mid-commit',
          'points-refused-then-cancel',
          'reserve-refusals-then-cancel',
        ].sort(),
      );
      const recorded = historiesIn(HISTORY_FOLDERS.checkoutWorkflow).map((h) => h.workflowId);
      expect(legacy.map((h) => `${HISTORY_FOLDERS.checkoutWorkflow}/${h.workflowId}`).filter((id) => !recorded.includes(id))).toEqual([]);
    });

    it('replay without nondeterminism against the current workflow code', async () => {
      expect(legacy.every((h) => h.type === 'checkoutWorkflow')).toBe(true);
      expect(await replayFailures(legacy)).toEqual([]);
    });
  });
});
