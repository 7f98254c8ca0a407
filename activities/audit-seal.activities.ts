import type { DataSource } from 'typeorm';
import type { AuditChainKeys } from '../core/audit/audit-keys';
import { AuditSealer } from '../core/audit/audit-sealer';
import type { ExternalSealStore } from '../core/audit/external-seal-store';

/** The nightly seal: every merchant's unsealed store-days before each store's today (or before `today`), oldest first. */
export function createAuditSealActivities({ dataSource, auditKeys, sealStore }: { dataSource: DataSource; auditKeys: AuditChainKeys; sealStore: ExternalSealStore }) {
  const sealer = new AuditSealer(dataSource, auditKeys, sealStore);
  return {
    async sealClosedAuditDays(only: { today?: string; merchant?: string } = {}): Promise<{ merchants: number; sealed: number }> {
      // The activity, not the workflow, reads the clock: "today" is each store's, when the seal actually runs.
      const closed = { ...(only.today && { today: only.today }), now: new Date() };
      const merchants = only.merchant
        ? [{ merchant: only.merchant }]
        : ((await dataSource.query(`SELECT DISTINCT merchant FROM audit_events ORDER BY merchant`)) as { merchant: string }[]);
      let sealed = 0;
      for (const { merchant } of merchants) sealed += (await sealer.sealClosedDays(merchant, closed)).sealed;
      return { merchants: merchants.length, sealed };
    },
  };
}
