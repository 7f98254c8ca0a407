import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type * as registered from '../../workflows';
import { HISTORIES_DIR } from './checkout-saga.harness';

/**
 * The folder of test/histories that holds each workflow type's recorded histories
 * (record-histories.ts writes them, replay.test.ts replays them). Every type the worker registers
 * has one: a new workflow type does not type-check until it is given a folder.
 */
export const HISTORY_FOLDERS = {
  checkoutWorkflow: 'checkout',
  checkoutWorkflowV2: 'checkout-v2',
  voidCheckoutWorkflow: 'void',
  checkoutReturnsWorkflow: 'returns',
  checkoutBatchWorkflow: 'batch',
  productSyncWorkflow: 'product-sync',
  auditSealWorkflow: 'audit-seal',
  auditCheckpointWorkflow: 'audit-checkpoint',
  capillaryValidationCodeWorkflow: 'capillary-validation-code',
  capillaryRetroTagWorkflow: 'capillary-retro',
} as const satisfies Record<keyof typeof registered, string>;

export type WorkflowType = keyof typeof HISTORY_FOLDERS;

const SUFFIX = '.history.pb';

export function historyFile(folder: string, name: string): string {
  return path.join(HISTORIES_DIR, folder, `${name}${SUFFIX}`);
}

export interface RecordedHistory {
  /** `<folder>/<path>`: what a replay failure names. */
  workflowId: string;
  /** The workflow type of the history's start event. */
  type: string | null | undefined;
  history: temporal.api.history.v1.IHistory;
}

/** Every `*.history.pb` directly in `test/histories/<folder>` ('' for test/histories itself). */
export function historiesIn(folder: string): RecordedHistory[] {
  const dir = path.join(HISTORIES_DIR, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort()
    .map((file) => {
      const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
      return {
        workflowId: path.posix.join(folder, file.slice(0, -SUFFIX.length)),
        type: history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
        history,
      };
    });
}
