import { patched } from '@temporalio/workflow';
import { Patches, type PatchId } from '../../workflows/workflow-patches';

export { Patches };

/**
 * workflows/workflow-patches.ts as it would be without the failing-step guard: that upsert always
 * runs, every other patch behaves as in production. patch-replay.test.ts bundles the real checkout
 * workflow with this module in place of the real one.
 */
export function isPatched(id: PatchId): boolean {
  return id === Patches.failingStep ? true : patched(id);
}
