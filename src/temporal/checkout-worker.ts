import type { PayloadCodec } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { createActivities } from '../../activities';
import type { VendorRegistry } from '../../activities/vendors/vendor-registry';
import type { CustomerRefHasher } from '../audit/customer-ref';
import { activityObservability } from './activity-observability.interceptor';

export interface CheckoutWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dataSource: DataSource;
  vendors: VendorRegistry;
  customers: CustomerRefHasher;
  /** The same codec as the API's client (EncryptionCodec): the worker reads and writes the encrypted payloads. */
  payloadCodec: PayloadCodec;
  /** Tests pass a prebuilt bundle so each worker does not re-bundle the workflows. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** One function builds the worker from its dependencies: the worker process and the tests share it. */
export function createCheckoutWorker(deps: CheckoutWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    dataConverter: { payloadCodecs: [deps.payloadCodec] },
    activities: createActivities({ dataSource: deps.dataSource, vendors: deps.vendors, customers: deps.customers }),
    interceptors: { activity: [activityObservability] },
  });
}
