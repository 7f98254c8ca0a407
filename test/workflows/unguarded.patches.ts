import { patched } from '@temporalio/workflow';
import { Patches, type PatchId } from '../../workflows/workflow-patches';

export { Patches };

/** The patch whose guard this bundle leaves out: patch-replay.test.ts defines it (webpack DefinePlugin) per bundle. */
declare const UNGUARDED_PATCH: PatchId;

/**
 * workflows/workflow-patches.ts as it would be without one guard: the change that patch guards
 * always runs, every other patch behaves as in production. patch-replay.test.ts bundles the real
 * workflows with this module in place of the real one.
 */
export function isPatched(id: PatchId): boolean {
  return id === UNGUARDED_PATCH ? true : patched(id);
}
