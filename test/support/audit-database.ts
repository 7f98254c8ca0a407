import type { DataSource } from 'typeorm';
import { AuditWriter } from '../../core/audit/audit-writer';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { createDataSource } from '../../core/database/data-source';
import { TEST_DATABASE_URL } from './test-env';

/** The key of the tests' customer hashes (AUDIT_HMAC_KEY is at least 32 characters). */
export const TEST_AUDIT_HMAC_KEY = 'test-key-test-key-test-key-test-key';

/** The AuditWriter the activities use, on `dataSource`, with the tests' customer hash key. */
export function testAuditWriter(dataSource: DataSource): AuditWriter {
  return new AuditWriter(dataSource, new CustomerRefHasher(TEST_AUDIT_HMAC_KEY));
}

/** The migrated test database and its audit writer. */
export interface AuditDatabase {
  dataSource: DataSource;
  writer: AuditWriter;
}

/**
 * The calling test file's connection to the test database (opened before its first test, closed
 * after its last) with the activities' AuditWriter. Filled in by the first hook: use it inside
 * tests and hooks only.
 */
export function auditDatabaseForFile(): AuditDatabase {
  const db = {} as AuditDatabase;
  beforeAll(async () => {
    const dataSource = await createDataSource(TEST_DATABASE_URL, 2).initialize();
    Object.assign(db, { dataSource, writer: testAuditWriter(dataSource) });
  });
  afterAll(() => db.dataSource?.destroy());
  return db;
}
