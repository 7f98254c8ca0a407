import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { createVendorRegistry, type VendorRegistry } from '../../activities/vendors/vendor-registry';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { FileSealStore } from '../../core/audit/external-seal-store';
import type { AppConfig } from '../../core/config/app-config';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { FAILURE_CONVERTER_PATH } from '../../core/temporal/failure-converter-path';
import { activityObservability } from './activity-observability.interceptor';

export interface WorkerDeps {
  connection: NativeConnection;
  dataSource: DataSource;
  /** Default: the vendors the config names (the sandbox in development and tests). */
  vendors?: VendorRegistry;
  /** Tests pass a prebuilt bundle so each worker does not re-bundle the workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * The worker's composition root: every workflow and activity wired to the config's task queue, the
 * payload codec (the same key as every client's; the worker reads and writes only encrypted payloads,
 * failure messages and stacks included) and the audit interceptor. The worker process and the test stack both build their worker here.
 *
 * Eager activity execution stays on by leaving three options at their defaults:
 * `maxEagerActivityReservationsPerWorkflowTask` (3; 0 turns it off), `maxTaskQueueActivitiesPerSecond`
 * (any value turns it off) and `enableNonLocalActivities` (true). The server must allow it too
 * (EAGER_ACTIVITY_EXECUTION in src/dev-stack/temporal-dynamic-config.ts).
 */
export function buildWorker(config: AppConfig, deps: WorkerDeps): Promise<Worker> {
  // Refuses unencrypted payloads: whoever reaches the frontend without the key cannot start or signal a saga.
  const codec = encryptionCodecFor(config, { refuseUnencrypted: true });
  return Worker.create({
    connection: deps.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../../workflows') }),
    dataConverter: { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH },
    activities: createActivities({
      stepResultsCodec: codec,
      dataSource: deps.dataSource,
      vendors: deps.vendors ?? createVendorRegistry(config),
      customers: new CustomerRefHasher(config.auditHmacKey),
      auditKeys: config.auditChainKeys,
      sealStore: new FileSealStore(config.AUDIT_SEAL_DIR),
    }),
    interceptors: { activity: [activityObservability] },
  });
}
