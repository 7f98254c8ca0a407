import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';

/**
 * The API's registry: process metrics, and checkout sagas by state read from the `checkouts`
 * projection at scrape time (one GROUP BY, so a scrape costs one small query; state is the only label).
 */
export function createApiRegistry(dataSource: DataSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'checkout_api_' });
  new Gauge({
    name: 'checkout_sagas',
    help: 'Checkout sagas by their current state (checkouts projection)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const rows: Array<{ state: string; count: string }> = await dataSource.query(
        'SELECT state, count(*)::text AS count FROM checkouts GROUP BY state',
      );
      this.reset();
      for (const row of rows) this.set({ state: row.state }, Number(row.count));
    },
  });
  return registry;
}
