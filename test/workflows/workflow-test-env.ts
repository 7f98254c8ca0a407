import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { testTemporalAddress } from '../support/test-env';
import { quietTemporalRuntime } from '../support/test-stack';

/** The workflows' entry point, as the worker process bundles it. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** A worker polling a task queue of its own until `stop()`. */
export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/** What a workflow test drives: a client on the suite's dev server, and workers with mocked activities. */
export interface WorkflowTestEnv {
  readonly client: Client;
  /** Runs `scenario` while a worker with `activities` polls a fresh task queue; the worker stops when it settles. */
  withWorker<T>(activities: object, scenario: (taskQueue: string) => Promise<T>): Promise<T>;
  /** A worker with `activities` on a fresh task queue, for a test that keeps it across hooks. */
  startWorker(activities: object): Promise<RunningWorker>;
}

/**
 * The calling test file's workflow environment, made before its first test and torn down after its
 * last: the suite's dev server and one workflow bundle (bundling takes seconds; every test's worker
 * reuses it). Each worker gets its own task queue, so no test picks up another's tasks. Use it
 * inside tests and hooks only.
 */
export function workflowTestEnvForFile(): WorkflowTestEnv {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundle | undefined;
  beforeAll(async () => {
    quietTemporalRuntime();
    [env, bundle] = await Promise.all([
      TestWorkflowEnvironment.createFromExistingServer({ address: testTemporalAddress() }),
      bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: Runtime.instance().logger }),
    ]);
  });
  afterAll(() => env?.teardown());

  const started = () => {
    if (!env || !bundle) throw new Error('the workflow test environment is made in beforeAll: use it inside tests and hooks');
    return { env, bundle };
  };
  const createWorker = async (activities: object) => {
    const { env, bundle } = started();
    const taskQueue = `wf-test-${randomUUID()}`;
    return { taskQueue, worker: await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities }) };
  };
  return {
    get client() {
      return started().env.client;
    },
    async withWorker(activities, scenario) {
      const { worker, taskQueue } = await createWorker(activities);
      return worker.runUntil(scenario(taskQueue));
    },
    async startWorker(activities) {
      const { worker, taskQueue } = await createWorker(activities);
      const running = worker.run();
      return {
        taskQueue,
        async stop() {
          worker.shutdown();
          await running;
        },
      };
    },
  };
}
