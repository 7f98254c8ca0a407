import { assertPortsFree } from './ports-in-use';
import { plannedServerPorts } from './temporal-postgres-config';

/**
 * A frontend port for a Postgres-backed server whose whole block (the other services at +1, +2, +6,
 * +10 and 300 below) is free, under 33061 (the membership ports must fit Temporal's smallint), so not
 * from the ephemeral range freePort() draws from: random, and checked. For the tests' and the bench's
 * own servers; `npm start` uses TEMPORAL_ADDRESS's port.
 */
export async function freeTemporalServerPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 13_000);
    try {
      await assertPortsFree(plannedServerPorts(port), 'try another');
      return port;
    } catch {
      // One of the block is taken: try another.
    }
  }
  throw new Error('no free block of ports for a Temporal server between 20000 and 33000');
}
