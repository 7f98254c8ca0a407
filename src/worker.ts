import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../core/config/app-config';
import { checkRuntimeRole, createRuntimeDataSource } from '../core/database/data-source';
import { TemporalPinoLogger } from '../core/logging/temporal-pino-logger';
import { temporalConnectionOptions } from '../core/temporal/temporal-connection';
import { buildWorker } from './worker/build-worker';
import { startWorkerMetricsServer } from './worker/worker-metrics-server';

/** The worker process: runs checkout workflows and their activities until SIGINT/SIGTERM. */
async function main() {
  const config = loadConfig();
  // Before any connection: the Runtime (logger, SDK metrics) is installed once per process.
  Runtime.install({
    logger: TemporalPinoLogger.create(config.LOG_LEVEL === 'silent' || config.LOG_LEVEL === 'fatal' ? 'error' : config.LOG_LEVEL),
    ...(config.WORKER_SDK_METRICS_PORT > 0 && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_SDK_METRICS_PORT}` } } },
    }),
  });
  const metricsServer = config.WORKER_METRICS_PORT > 0 ? await startWorkerMetricsServer(config.WORKER_METRICS_PORT) : undefined;
  const dataSource = createRuntimeDataSource(config);
  await dataSource.initialize();
  await checkRuntimeRole(dataSource, config, (line) => console.error(line));
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  try {
    const worker = await buildWorker(config, { connection, dataSource });
    console.log(`worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
    // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks are done.
    await worker.run();
  } finally {
    metricsServer?.close();
    await connection.close();
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('worker failed:', err);
  process.exit(1);
});
