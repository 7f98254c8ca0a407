import { Client } from 'pg';

/** How many of these checkouts the saga's projection shows completed: the CPU divisor once a run is drained. */
export async function completedCheckouts(databaseUrl: string, checkoutIds: string[]): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM checkouts WHERE id = ANY($1) AND state = 'completed'", [checkoutIds]);
    return Number(rows[0].n);
  } finally {
    await db.end();
  }
}
