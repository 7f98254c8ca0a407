import type { DataSource } from 'typeorm';
import { RefusedAccess } from '../../src/access/refused-access';

/** The rows RefusedAccess would insert into security_events: event, actor, subject, count, detail. */
function recordingDataSource() {
  const rows: Array<{ event: string; actor: string; subject: string | null; count: number; source: string; detail: unknown }> = [];
  const dataSource = {
    query: async (_sql: string, p: unknown[]) => {
      rows.push({ event: p[0] as string, actor: p[2] as string, subject: p[3] as string | null, count: p[5] as number, source: p[6] as string, detail: JSON.parse(p[7] as string) });
      return [];
    },
  } as unknown as DataSource;
  return { rows, dataSource };
}

describe('RefusedAccess', () => {
  it('writes the first refusal of a window at once and the rest as one counted row when the window closes', async () => {
    const { rows, dataSource } = recordingDataSource();
    const refusals = new RefusedAccess(dataSource, { merchantOf: async () => 'm' }, 60_000);
    for (let i = 0; i < 3; i++) await refusals.refused({ event: 'payload_decode', actor: 'key:abc', merchant: 'm', reason: 'scope', source: '10.0.0.1' });
    expect(rows).toEqual([{ event: 'payload_decode', actor: 'key:abc', subject: null, count: 1, source: '10.0.0.1', detail: { reason: 'scope' } }]);
    await refusals.onModuleDestroy();
    expect(rows[1]).toEqual({ event: 'payload_decode', actor: 'key:abc', subject: null, count: 2, source: '10.0.0.1', detail: { reason: 'scope' } });
  });

  it("a flood of made-up key ids overflows into one row of its own event, and does not hide a known caller's refusal", async () => {
    const { rows, dataSource } = recordingDataSource();
    const refusals = new RefusedAccess(dataSource, { merchantOf: async () => null }, 60_000);
    for (let i = 0; i < 10_002; i++) await refusals.authenticationFailed(i.toString(16).padStart(12, '0'), 'unknown-or-revoked', '203.0.113.9');
    await refusals.refused({ event: 'payload_decode', actor: 'key:scraper', merchant: 'm', reason: 'rate-limited', source: '203.0.113.9' });
    expect(rows.filter((r) => r.event === 'authentication_failed' && r.subject !== null)).toHaveLength(10_000);
    expect(rows.filter((r) => r.detail && (r.detail as { reason: string }).reason === 'overflow')).toEqual([
      { event: 'authentication_failed', actor: 'anonymous', subject: null, count: 1, source: 'many', detail: { reason: 'overflow' } },
    ]);
    expect(rows[rows.length - 1]).toEqual({ event: 'payload_decode', actor: 'key:scraper', subject: null, count: 1, source: '203.0.113.9', detail: { reason: 'rate-limited' } });
    await refusals.onModuleDestroy();
    // The overflow's second refusal, counted in the window.
    expect(rows[rows.length - 1]).toEqual({ event: 'authentication_failed', actor: 'anonymous', subject: null, count: 1, source: 'many', detail: { reason: 'overflow' } });
  });
});
