/**
 * The dynamic config this project asks of any Temporal server, dev or cluster. The dev server gets
 * it as `--dynamic-config-value` flags; a cluster reads it from its dynamic config file:
 * deploy/temporal-dynamic-config.yaml, which docker-compose.yml mounts and a test keeps equal to this.
 */
export const SERVER_DYNAMIC_CONFIG = {
  // Updates (every checkout phase) and Update-with-Start (the one-shot): on by default in 1.29,
  // set anyway so a server whose defaults differ fails nothing silently.
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'frontend.enableExecuteMultiOperation': true,
  // Eager activity execution: when a workflow task schedules an activity on the worker's own task
  // queue, the server starts it at once and hands it back in its answer to that workflow task, in
  // place of a transfer task, a matching round trip and an activity poll. The SDK asks for it on
  // every such activity (`allowEagerDispatch` defaults to true) and the worker keeps slots for it;
  // the server grants it only with this key (per namespace, off by default in 1.29).
  'system.enableActivityEagerExecution': true,
} as const satisfies Record<string, boolean | number | string>;

/** `--dynamic-config-value key=value` for each entry, as `temporal server start-dev` takes them. */
export function dynamicConfigFlags(values: Record<string, boolean | number | string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}
