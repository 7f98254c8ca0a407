import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { createVendorRegistry } from '../../activities/vendors/vendor-registry';
import { createApiApp } from '../../src/api-app';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createDataSource } from '../../src/database/data-source';
import { buildSandboxApp } from '../../src/sandbox/sandbox-app';
import { createCheckoutWorker } from '../../src/temporal/checkout-worker';
import { CustomerRefHasher } from '../../src/audit/customer-ref';
import { encryptionCodecFor } from '../../src/temporal/encryption-codec';
import { TEST_DATABASE_URL, testTemporalAddress } from './test-env';

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; tests only want errors (activity failures are expected and asserted). */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface TestStack {
  config: AppConfig;
  /** Base URL of the API, listening on a real port. */
  apiUrl: string;
  sandboxUrl: string;
  dataSource: DataSource;
  temporal: Client;
  stop(): Promise<void>;
}

/**
 * The real system in one test file: the vendor sandbox and the API on real ports, a worker on its
 * own task queue against the suite's Temporal dev server, and the migrated test database.
 */
export async function startTestStack(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<TestStack> {
  quietTemporalRuntime();
  const sandbox: FastifyInstance = buildSandboxApp();
  await sandbox.listen({ host: '127.0.0.1', port: 0 });
  const sandboxPort = (sandbox.server.address() as { port: number }).port;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: TEST_DATABASE_URL,
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    SANDBOX_PORT: String(sandboxPort),
    VENDOR_TIMEOUT_MS: '2000',
    ...env,
  });
  const dataSource = await createDataSource(config.DATABASE_URL, 5).initialize();
  // Without an in-process worker the test runs its own worker processes (see worker-process.ts).
  const workerConnection = options.worker === false ? undefined : await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker: Worker | undefined = workerConnection
    ? await createCheckoutWorker({
        connection: workerConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        dataSource,
        vendors: createVendorRegistry(config),
        customers: new CustomerRefHasher(config.auditHmacKey),
        payloadCodec: encryptionCodecFor(config),
      })
    : undefined;
  const workerRun = worker?.run();
  const api: INestApplication = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const apiPort = (api.getHttpServer().address() as { port: number }).port;
  const temporal = new Client({
    connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
    dataConverter: { payloadCodecs: [encryptionCodecFor(config)] },
  });

  return {
    config,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dataSource,
    temporal,
    async stop() {
      await api.close();
      worker?.shutdown();
      await workerRun;
      await workerConnection?.close();
      await temporal.connection.close();
      await dataSource.destroy();
      await sandbox.close();
    },
  };
}

/** A POS reference no other test (or earlier run) has used. */
export function uniquePosReference(prefix = 'T'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}
