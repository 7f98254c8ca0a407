import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from './checkout-saga.harness';

/**
 * Every recorded saga path (test/histories, recorded by the workflow tests with RECORD_HISTORIES=1)
 * must replay against today's workflow code. A change that would break sagas already running
 * fails here: guard it with patched() instead.
 */
describe('recorded checkout histories', () => {
  const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.history.pb'));

  it('cover every saga path the workflow tests exercise', () => {
    expect(files.sort()).toEqual(
      [
        'cancel-after-commit',
        'compensation-failed-retried',
        'complete-exception',
        'completed',
        'customer-rejected',
        'expired',
        'invalid-state-and-retries',
        'reserve-refusals-then-cancel',
        'commit-partial-failure',
        'points-refused-then-cancel',
        'operator-cancel-mid-commit',
        'complete-validate-refused',
        'one-shot-completed',
      ].map((n) => `${n}.history.pb`).sort(),
    );
  });

  it('replay without nondeterminism against the current workflow code', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.history\.pb$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES_DIR, file))),
    }));
    const results = Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows') }, histories);
    const failures: string[] = [];
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
