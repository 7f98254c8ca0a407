import { createServer, type Server } from 'node:http';
import { workerRegistry } from '../../activities/metrics/worker-metrics';

/** GET /metrics of the worker process: our prom-client registry (the SDK's metrics have their own port). */
export async function startWorkerMetricsServer(port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    workerRegistry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': workerRegistry.contentType }).end(body))
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
