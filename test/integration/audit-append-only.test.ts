import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../core/database/data-source';
import { testAuditSealer, testAuditWriter } from '../support/audit-database';
import { TEST_DATABASE_URL } from '../support/test-env';

/**
 * TRUNCATE of the audit trail is refused by Postgres itself (statement triggers), even for the
 * owner (the runtime role the application connects as has no TRUNCATE at all: runtime-role.test.ts).
 * UPDATE and DELETE are covered in audit-chain.test.ts and
 * checkout-one-shot.test.ts. Each TRUNCATE runs in a transaction this test rolls back whatever
 * happens, so a missing trigger fails the test without emptying the shared test database.
 */
describe('audit trail: TRUNCATE is refused by the database', () => {
  let dataSource: DataSource;
  const today = new Date().toISOString().slice(0, 10);
  const store = `AO${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dataSource = await createDataSource(TEST_DATABASE_URL, 2).initialize();
    // A row and a seal of our own, so neither table is empty when the TRUNCATE comes.
    const writer = testAuditWriter(dataSource);
    await writer.append({
      idempotency_key: `checkout:demo:${store}:T1:R1|append-only`,
      checkout_id: `checkout:demo:${store}:T1:R1`,
      run_id: null, kind: 'transition', step: 'reserve', vendor: null, operation: null, outcome: 'reserved',
      http_status: null, latency_ms: null, attempt: 1, amount_minor: null, currency: 'EUR', vendor_reference: null,
      request_excerpt: null, response_excerpt: null, error_code: null, error_message: null, merchant: 'demo', store, till: 'T1',
    });
    await testAuditSealer(dataSource).sealDay('demo', store, today);
  });
  afterAll(() => dataSource?.destroy());

  /** Runs `sql` in a transaction that is always rolled back; resolves to the error, or undefined when it ran. */
  async function attemptRolledBack(sql: string): Promise<(Error & { code?: string }) | undefined> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(sql);
      return undefined;
    } catch (err) {
      return err as Error & { code?: string };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const count = async (table: string) => Number(((await dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE store = $1`, [store])) as { n: number }[])[0].n);

  it.each(['audit_events', 'audit_seals'])('refuses TRUNCATE %s with insufficient_privilege', async (table) => {
    expect(await count(table)).toBe(1);
    const refused = await attemptRolledBack(`TRUNCATE ${table}`);
    expect(refused?.message).toBe(`${table} is append-only: TRUNCATE refused`);
    expect(refused?.code).toBe('42501');
    expect(await count(table)).toBe(1);
  });

  it('refuses TRUNCATE of both tables at once, with CASCADE and RESTART IDENTITY', async () => {
    const refused = await attemptRolledBack(`TRUNCATE audit_seals, audit_events RESTART IDENTITY CASCADE`);
    expect(refused?.message).toMatch(/^audit_(seals|events) is append-only: TRUNCATE refused$/);
    expect(refused?.code).toBe('42501');
  });
});
