import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { NormalModuleReplacementPlugin } from 'webpack';
import { Patches } from '../../workflows/workflow-patches';
import { HISTORIES_DIR } from './checkout-saga.harness';
import { WORKFLOWS_PATH } from './workflow-test-env';

/** Histories recorded before the CheckoutFailingStep upsert and the ops retry wait existed (frozen copies). */
const BEFORE_PATCHES_DIR = path.join(HISTORIES_DIR, 'before-patches');

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
 * The patched() change of issue 7 (workflows/workflow-patches.ts): sagas recorded before it must
 * replay with it, and the guard must be what makes them replay. "Without the guard" is the exact
 * production workflow bundled with one module swapped: `isPatched` answers true for the
 * failing-step patch, i.e. the upsert runs unconditionally, as it would if the change had been
 * made without patched(). No flag in the workflow itself, so production code has no test switch.
 */
describe('patched(search-attribute-failing-step)', () => {
  const workflowsPath = WORKFLOWS_PATH;

  it('lets the compensation histories recorded before the change replay with the new code', async () => {
    const errors = await replayErrors({ workflowsPath }, BEFORE_PATCHES_DIR);
    expect(errors).toEqual({ 'commit-failed-compensated': 'ok', 'compensation-failed': 'ok' });
  });

  it('is needed: without the guard the same histories fail with a nondeterminism error', async () => {
    const unguarded = path.join(__dirname, 'unguarded-failing-step.patches.ts');
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
            ],
          }),
        },
      },
      BEFORE_PATCHES_DIR,
    );
    expect(Object.keys(errors).sort()).toEqual(['commit-failed-compensated', 'compensation-failed']);
    for (const error of Object.values(errors)) expect(error).toMatch(/DeterminismViolationError: .*[Nn]ondeterminism/);
  });

  it('names the patch the guard uses', () => {
    expect(Patches.failingStep).toBe('search-attribute-failing-step');
  });
});
