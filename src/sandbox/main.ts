import { loadConfig } from '../../core/config/app-config';
import { buildSandboxApp } from './sandbox-app';

/** The vendor sandbox as its own process (port 4010 by default). */
async function main() {
  const config = loadConfig();
  const app = buildSandboxApp({ logger: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' });
  await app.listen({ host: config.SANDBOX_HOST, port: config.SANDBOX_PORT });
  console.log(`vendor sandbox listening on http://${config.SANDBOX_HOST}:${config.SANDBOX_PORT}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('sandbox failed to start:', err);
  process.exit(1);
});
