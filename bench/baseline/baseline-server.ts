import { createServer, type IncomingMessage } from 'node:http';
import { createVendorRegistry } from '../../activities/vendors/vendor-registry';
import { toCheckoutInput } from '../../src/checkouts/checkout.mapper';
import type { CreateCheckoutDto } from '../../src/checkouts/dto/create-checkout.dto';
import { loadConfig } from '../../core/config/app-config';
import { runDirectCheckout } from './direct-checkout';

/**
 * The benchmark's baseline: a separate process, like the API, whose `POST /v1/checkouts` makes the
 * reference checkout's vendor calls directly (direct-checkout.ts). Same vendor adapters and sandbox
 * as the saga, no NestJS, no Temporal, no Postgres. Port: BASELINE_PORT.
 */
async function main() {
  const config = loadConfig();
  const vendors = createVendorRegistry(config);
  const port = Number(process.env.BASELINE_PORT ?? 3101);
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/checkouts') return answer(404, { error: 'POST /v1/checkouts only' });
    readJson(req)
      .then(async (dto) => {
        const input = toCheckoutInput(dto as CreateCheckoutDto, config.MERCHANT_ID, config);
        const { amountDueMinor } = await runDirectCheckout(vendors, input);
        answer(201, { checkoutId: input.checkoutId, state: 'completed', amountDueMinor });
      })
      .catch((err: unknown) => answer(502, { error: err instanceof Error ? err.message : String(err) }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`baseline listening on http://127.0.0.1:${port}`);
  const stop = () => server.close(() => process.exit(0));
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
