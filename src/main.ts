import 'reflect-metadata';
import { createApiApp } from './api-app';
import { loadConfig } from '../core/config/app-config';

async function main() {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.API_PORT, '0.0.0.0');
  console.log(`API listening on http://localhost:${config.API_PORT} (OpenAPI at /docs)`);
}

main().catch((err: unknown) => {
  console.error('API failed to start:', err);
  process.exit(1);
});
