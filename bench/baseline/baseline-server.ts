import { createServer, type IncomingMessage } from 'node:http';
import { createVendorRegistry } from '../../activities/vendors/vendor-registry';
import { toCheckoutInput } from '../../src/checkouts/checkout.mapper';
import type { CreateCheckoutDto } from '../../src/checkouts/dto/create-checkout.dto';
import { loadConfig } from '../../core/config/app-config';
import { temporalConnectionOptions } from '../../core/temporal/temporal-connection';
import type { CheckoutInput } from '../../workflows/checkout.contract';
import type { StoreRow } from '../../core/stores/stores.repository';
import { startPeerHost } from '../peer/peer-host';
import { runDirectCheckout } from './direct-checkout';

/** Where the load generator sends each kind of checkout this process serves (bench-stack.ts names the same). */
const BASELINE_PATH = '/v1/checkouts';
const PEER_PATH = '/v1/peer-checkouts';
/**
 * The baseline has no Postgres: the reference checkout's store as migration 1764892800000 seeds it
 * (demo S1), so its vendor calls carry the same local times and ids as the saga's.
 */
const BASELINE_STORES = new Map<string, StoreRow>([
  ['S1', { merchant: 'demo', store: 'S1', timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', crmcomOutlet: '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01', cmcLocation: 'S1', cmcTerminals: {}, updatedAt: '' }],
]);

/**
 * The benchmark's baseline and peer: a separate process, like the API. `POST /v1/checkouts` makes the
 * reference checkout's vendor calls directly (direct-checkout.ts): same vendor adapters and sandbox
 * as the saga, no NestJS, no Temporal, no Postgres. `POST /v1/peer-checkouts` runs the same calls as
 * a Temporal-sample-style workflow (bench/peer/) on PEER_TASK_QUEUE at TEMPORAL_ADDRESS, with its
 * worker in this process. Port: BASELINE_PORT.
 */
async function main() {
  const config = loadConfig();
  const vendors = createVendorRegistry(config);
  const port = Number(process.env.BASELINE_PORT ?? 3101);
  const peer = await startPeerHost({
    connection: temporalConnectionOptions(config),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: process.env.PEER_TASK_QUEUE ?? 'checkout-peer-bench',
    vendors,
  });
  const routes: Record<string, (input: CheckoutInput) => Promise<{ amountDueMinor: number }>> = {
    [BASELINE_PATH]: (input) => runDirectCheckout(vendors, input),
    [PEER_PATH]: (input) => peer.checkout(input),
  };
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
    if (!route) return answer(404, { error: `POST ${Object.keys(routes).join(' or ')} only` });
    readJson(req)
      .then(async (dto) => {
        const input = toCheckoutInput(dto as CreateCheckoutDto, config.MERCHANT_ID, config, { stores: BASELINE_STORES });
        const { amountDueMinor } = await route(input);
        answer(201, { checkoutId: input.checkoutId, state: 'completed', amountDueMinor });
      })
      .catch((err: unknown) => answer(502, { error: err instanceof Error ? err.message : String(err) }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`baseline listening on http://127.0.0.1:${port}`);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    peer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.on('error', reject);
  });
}

main().catch((err: unknown) => {
  console.error('baseline failed to start:', err);
  process.exit(1);
});
