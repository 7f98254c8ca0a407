import { type NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import { VendorCircuitSync } from '../../activities/vendors/vendor-circuit-sync';
import { circuitSettingsOf, VendorCircuits } from '../../activities/vendors/vendor-circuits';
import { createVendorRegistry, type VendorRegistry } from '../../activities/vendors/vendor-registry';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { FileSealStore } from '../../core/audit/external-seal-store';
import { FileHeadCheckpointStore } from '../../core/audit/head-checkpoint-store';
import type { AppConfig } from '../../core/config/app-config';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { FAILURE_CONVERTER_PATH } from '../../core/temporal/failure-converter-path';
import { activityObservability } from './activity-observability.interceptor';

export interface WorkerDeps {
  connection: NativeConnection;
  dataSource: DataSource;
  /** Default: the vendors the config names (the sandbox in development and tests), each behind its circuit breaker; given ones have none. */
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
export async function buildWorker(config: AppConfig, deps: WorkerDeps): Promise<Worker> {
  // Refuses unencrypted payloads: whoever reaches the frontend without the key cannot start or signal a saga.
  const codec = encryptionCodecFor(config, { refuseUnencrypted: true });
  // The vendors' circuit breakers of this worker, in step with Postgres (ops see and force them there).
  const log = Runtime.instance().logger;
  const circuits = deps.vendors ? undefined : new VendorCircuits(circuitSettingsOf(config), log);
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../../workflows') }),
    dataConverter: { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH },
    activities: createActivities({
      stepResultsCodec: codec,
      projectionCodes: codec,
      dataSource: deps.dataSource,
      vendors: deps.vendors ?? createVendorRegistry(config, circuits),
      customers: new CustomerRefHasher(config.auditHmacKey),
      auditKeys: config.auditChainKeys,
      sealStore: new FileSealStore(config.AUDIT_SEAL_DIR),
      checkpointStore: new FileHeadCheckpointStore(config.AUDIT_SEAL_DIR),
    }),
    interceptors: { activity: [activityObservability] },
  });
  if (circuits) new VendorCircuitSync(circuits, deps.dataSource, worker.options.identity, config.VENDOR_BREAKER_SYNC_MS, log).start();
  return worker;
}
