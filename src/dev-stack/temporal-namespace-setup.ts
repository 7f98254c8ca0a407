import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SearchAttributes } from '../../workflows/checkout.contract';

const { IndexedValueType } = temporal.api.enums.v1;

/** How long a closed checkout's history stays readable (the ops API and voids after the sale read it). */
const RETENTION = '72h';
const ALREADY_EXISTS = 6; // gRPC status code

/**
 * What `temporal server start-dev --namespace … --search-attribute …` does on the dev server, for a
 * server that starts bare: registers the namespace when missing and adds the checkout contract's
 * search attributes that are missing. Idempotent; an attribute with another type is an error.
 */
export async function ensureNamespaceAndSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of Object.values(SearchAttributes)) {
    const wanted = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const existing = customAttributes?.[key.name];
    if (existing === undefined || existing === null) missing[key.name] = wanted;
    else if (existing !== wanted) {
      throw new Error(`search attribute ${key.name} exists in namespace ${namespace} as ${IndexedValueType[existing]}, not ${IndexedValueType[wanted]}`);
    }
  }
  if (Object.keys(missing).length) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}

/**
 * A SQL-backed server keeps the shard count of its first start (it is in the cluster metadata row)
 * and silently ignores a different `numHistoryShards` later: the count it serves, to compare.
 */
export async function historyShardCount(connection: Connection): Promise<number> {
  const info = await connection.workflowService.getClusterInfo({});
  return info.historyShardCount ?? 0;
}
