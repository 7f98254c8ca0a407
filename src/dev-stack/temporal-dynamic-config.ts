/**
 * The Temporal dynamic config keys this project asks of a server. SERVER_DYNAMIC_CONFIG is what any
 * cluster needs (deploy/temporal-dynamic-config.yaml, which docker-compose.yml mounts and a test keeps
 * equal to it); DEV_STACK_DYNAMIC_CONFIG adds the polling cap for the servers the dev stack runs: the
 * dev server as `--dynamic-config-value` flags, the Postgres-backed server as its dynamic config file.
 */
export type DynamicConfigValues = Readonly<Record<string, boolean | number>>;

/** Updates (the API's phases) and Update-with-Start (a checkout's first call). On by default in 1.29; said anyway. */
export const UPDATES_AND_MULTI_OPERATIONS: DynamicConfigValues = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'frontend.enableExecuteMultiOperation': true,
};

/**
 * Each history shard's queue processors read new tasks at most 20 times a second by default
 * (`history.*ProcessorMaxPollRPS`): every activity and workflow task then waits up to 50 ms before
 * matching sees it. On the dev server's one shard that cap is the single largest cost of a checkout
 * (issue 8 measured 30-40 ms per task, about 800 of a one-shot's 850 ms). More shards spread sagas
 * out, but one saga's tasks all live on its own shard, so the Postgres-backed server gets the same
 * value: a comparison of the two servers then measures persistence and shards, not this cap.
 */
export const SINGLE_SHARD_QUEUE_POLLING: DynamicConfigValues = Object.fromEntries(
  ['transfer', 'timer', 'visibility'].map((queue) => [`history.${queue}ProcessorMaxPollRPS`, 1000]),
);

/**
 * Eager activity execution: when a workflow task schedules an activity on the worker's own task
 * queue, the server starts it at once and hands it back in its answer to that workflow task, in
 * place of a transfer task, a matching round trip and an activity poll. The SDK asks for it on every
 * such activity (`allowEagerDispatch` defaults to true) and the worker keeps slots for it; the
 * server grants it only with this key (per namespace, off by default in 1.29). A cluster needs the
 * same key (README, Temporal in production).
 */
export const EAGER_ACTIVITY_EXECUTION: DynamicConfigValues = { 'system.enableActivityEagerExecution': true };

export const SERVER_DYNAMIC_CONFIG: DynamicConfigValues = { ...UPDATES_AND_MULTI_OPERATIONS, ...EAGER_ACTIVITY_EXECUTION };

export const DEV_STACK_DYNAMIC_CONFIG: DynamicConfigValues = { ...SERVER_DYNAMIC_CONFIG, ...SINGLE_SHARD_QUEUE_POLLING };

/** `temporal server start-dev`'s form: `--dynamic-config-value key=value` for each key. */
export function dynamicConfigFlags(values: DynamicConfigValues = DEV_STACK_DYNAMIC_CONFIG): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]);
}

/** A dynamic config file's form (YAML; JSON is YAML): each key a list of constrained values, here one unconstrained. */
export function dynamicConfigFile(values: DynamicConfigValues = DEV_STACK_DYNAMIC_CONFIG): Record<string, Array<{ value: boolean | number }>> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [{ value }]]));
}
