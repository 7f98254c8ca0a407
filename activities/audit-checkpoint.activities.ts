import type { DataSource } from 'typeorm';
import { AuditCheckpointer } from '../core/audit/audit-checkpointer';
import type { HeadCheckpointStore } from '../core/audit/head-checkpoint-store';

/** The head checkpoint of every merchant (or one), written outside Postgres. */
export function createAuditCheckpointActivities({ dataSource, checkpointStore }: { dataSource: DataSource; checkpointStore: HeadCheckpointStore }) {
  const checkpointer = new AuditCheckpointer(dataSource, checkpointStore);
  return {
    async checkpointAuditHeads(only: { merchant?: string } = {}): Promise<{ merchants: number; heads: number }> {
      // The activity reads the clock: a checkpoint's time is when it read the heads.
      return checkpointer.checkpointAll(new Date(), only.merchant);
    },
  };
}
