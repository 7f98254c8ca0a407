import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { AuditCheckpointer } from '../core/audit/audit-checkpointer';
import type { HeadCheckpointStore } from '../core/audit/head-checkpoint-store';

/** The head checkpoint of every merchant (or one), written outside Postgres. */
export function createAuditCheckpointActivities({ dataSource, checkpointStore }: { dataSource: DataSource; checkpointStore: HeadCheckpointStore }) {
  const checkpointer = new AuditCheckpointer(dataSource, checkpointStore);
  return {
    async checkpointAuditHeads(only: { merchant?: string } = {}): Promise<{ merchants: number; heads: number }> {
      // The activity reads the clock: a checkpoint's time is when it read the heads.
      const { merchants, heads, failed } = await checkpointer.checkpointAll(new Date(), only.merchant);
      // The others are written; the retry (and the next run) takes the failed ones again from their last complete checkpoint.
      if (failed.length) throw ApplicationFailure.retryable(`head checkpoint failed for ${failed.map((f) => `${f.merchant} (${f.error})`).join(', ')}`, 'CheckpointFailed');
      return { merchants, heads };
    },
  };
}
