import type { DataSource } from 'typeorm';
import type { AuditChainKeys } from '../../core/audit/audit-keys';
import { AuditSealer } from '../../core/audit/audit-sealer';
import { AuditWriter } from '../../core/audit/audit-writer';
import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { FileSealStore } from '../../core/audit/external-seal-store';
import { loadConfig } from '../../core/config/app-config';
import { createDataSource } from '../../core/database/data-source';
import { TEST_DATABASE_URL, testAuditSealDir } from './test-env';

/** The key of the tests' customer hashes (AUDIT_HMAC_KEY is at least 32 characters). */
export const TEST_AUDIT_HMAC_KEY = 'test-key-test-key-test-key-test-key';

/** The chain keys of the test stacks and worker processes (they set no AUDIT_CHAIN_KEY: the development key, id `dev`). */
export const testAuditChainKeys = (): AuditChainKeys => loadConfig({ APP_ENV: 'test' }).auditChainKeys;

/** The AuditWriter the activities use, on `dataSource`, with the tests' customer hash key and the stacks' chain keys. */
export function testAuditWriter(dataSource: DataSource, chainKeys = testAuditChainKeys()): AuditWriter {
  return new AuditWriter(dataSource, new CustomerRefHasher(TEST_AUDIT_HMAC_KEY), chainKeys);
}

/** The AuditSealer the nightly seal uses, with the stacks' chain keys and the run's AUDIT_SEAL_DIR. */
export function testAuditSealer(dataSource: DataSource, chainKeys = testAuditChainKeys(), sealDir = testAuditSealDir()): AuditSealer {
  return new AuditSealer(dataSource, chainKeys, new FileSealStore(sealDir));
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
