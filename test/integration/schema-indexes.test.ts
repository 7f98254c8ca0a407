import type { DataSource } from 'typeorm';
import { createDataSource } from '../../core/database/data-source';
import { TEST_DATABASE_URL } from '../support/test-env';

/**
 * The migrated schema holds no index twice: a duplicate answers no query the first does not, and
 * every write to its table pays for both (audit_events carried one until DropDuplicateAuditTimeIndex).
 */
describe('schema indexes', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createDataSource(TEST_DATABASE_URL, 1).initialize();
  });
  afterAll(() => dataSource?.destroy());

  it('has no two indexes of one table with the same definition', async () => {
    // An index's definition without its name: same kind, columns, method and predicate.
    const duplicates = (await dataSource.query(`
      SELECT tablename, array_agg(indexname::text ORDER BY indexname) AS indexes
        FROM pg_indexes
       WHERE schemaname = current_schema()
       GROUP BY tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON')
      HAVING count(*) > 1`)) as { tablename: string; indexes: string[] }[];
    expect(duplicates).toEqual([]);
  });

  it('keeps the index GET /v1/audit/events pages on', async () => {
    const rows = (await dataSource.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'audit_events' AND indexdef LIKE '%(merchant, recorded_at, id)'`,
    )) as { indexname: string }[];
    expect(rows.map((r) => r.indexname)).toEqual(['audit_events_merchant_time_id_idx']);
  });
});
