/**
 * The workflow's clock. Inside a workflow the SDK makes Date deterministic (it reads the time of
 * the current workflow task, the same on every replay), so this is safe; having one named place
 * keeps wall-clock reads out of the rest of the workflow code (lint forbids Date.now() there).
 */
export function workflowNow(): number {
  return new Date().getTime();
}
