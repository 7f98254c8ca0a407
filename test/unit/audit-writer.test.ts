import type { DataSource } from 'typeorm';
import { AuditChainKeys } from '../../core/audit/audit-keys';
import { AuditWriter, type AuditScope } from '../../core/audit/audit-writer';
import { CustomerRefHasher } from '../../core/audit/customer-ref';

const scope: AuditScope = {
  checkoutId: 'checkout:demo:S1:T1:R1', runId: 'run', activityId: '1', attempt: 1, step: 'purchase',
  merchant: 'demo', store: 'S1', till: 'T1', currency: 'EUR',
};

const row = {
  kind: 'vendor_call', outcome: 'success', vendor: 'crmcom', operation: 'purchases.create', http_status: 200, latency_ms: 5,
  request_excerpt: null, response_excerpt: null, vendor_reference: null, amount_minor: null, error_code: null, error_message: null,
};
const hasher = new CustomerRefHasher('test-key-test-key-test-key-test-key');
const chainKeys = new AuditChainKeys('test', 'test-chain-key-test-chain-key-test-chain-key');

/** A DataSource whose write transactions fail with `errors` in turn, then succeed; counts the attempts. */
function flakyDataSource(errors: unknown[]) {
  let attempts = 0;
  const transaction = async (work: (tx: { query: () => Promise<unknown[]> }) => Promise<unknown>) => {
    attempts += 1;
    const err = errors.shift();
    if (err) throw err;
    return work({ query: async () => [] });
  };
  return { dataSource: { transaction } as unknown as DataSource, attempts: () => attempts };
}

describe(AuditWriter.name, () => {
  it('waits for Postgres to come back rather than losing the row of a call that happened', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const db = flakyDataSource([refused, shuttingDown]);

    await new AuditWriter(db.dataSource, hasher, chainKeys).insert(scope, '1:purchases.create', row);
    expect(db.attempts()).toBe(3);
  });

  it('gives up after its patience, and never retries an error that is not an outage', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const outage = flakyDataSource(Array.from({ length: 50 }, () => refused));
    await expect(new AuditWriter(outage.dataSource, hasher, chainKeys, 300).insert(scope, 'x', row)).rejects.toThrow('ECONNREFUSED');
    expect(outage.attempts()).toBeLessThan(4);

    const constraint = flakyDataSource([Object.assign(new Error('violates check constraint'), { code: '23514' })]);
    await expect(new AuditWriter(constraint.dataSource, hasher, chainKeys).insert(scope, 'x', row)).rejects.toThrow('check constraint');
    expect(constraint.attempts()).toBe(1);
  });

  it("tells a reset's attempt 1 from the attempt 1 it repeats by the time Temporal scheduled it", async () => {
    const keys: unknown[] = [];
    const query = async (sql: string, params: unknown[]) => {
      if (sql.includes('INSERT INTO audit_events')) keys.push(params[0]);
      return [];
    };
    const dataSource = { transaction: (work: (tx: unknown) => Promise<unknown>) => work({ query }) } as unknown as DataSource;
    const writer = new AuditWriter(dataSource, hasher, chainKeys);

    await writer.insert({ ...scope, attemptScheduledAtMs: 1000 }, '1:purchases.create', row);
    await writer.insert({ ...scope, attemptScheduledAtMs: 5000 }, '1:purchases.create', row);

    expect(keys).toEqual(['checkout:demo:S1:T1:R1|run|1|1|1000|1:purchases.create', 'checkout:demo:S1:T1:R1|run|1|1|5000|1:purchases.create']);
  });
});
