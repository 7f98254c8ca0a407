import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { useApiKey } from './support/chaos-http';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { checkInvariants } from './invariants';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { runPosCheckout } from './support/pos-client';

const CMC_TRANSACTION = '/cmc/pos/checkout-saga/transaction';

/**
 * Scenario 4: CMC answers 429 with Retry-After: 2 to the first two post-tender calls of each
 * checkout (on average). Each retry waits at least the 2 s the vendor asked for; the vendor sees
 * exactly the calls it rate-limited plus one that succeeds per checkout: no retry storm.
 */
describe('chaos 4: a vendor answering 429 with Retry-After 2 s', () => {
  const profile = chaosProfile();
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ CHECKOUT_ANSWER_TIMEOUT_MS: '60000' });
    useApiKey(stack.keys.admin);
  });
  afterAll(() => stack?.stop());

  it('waits at least Retry-After before each next attempt, and completes every checkout with one effect', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    const n = profile.faultCheckouts;
    const limited = 2 * n;
    await injectFault(stack.sandboxUrl, { path: CMC_TRANSACTION, kind: 'rate_limit', retryAfterSeconds: 2, times: limited });
    const refs = Array.from({ length: n }, () => uniquePosReference('C4'));
    const bodies = await Promise.all(refs.map((ref) => referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true })));
    const results = await Promise.all(refs.map((ref, i) => runPosCheckout(stack.apiUrl, ref, bodies[i], { deadlineMs: 120_000 })));

    const report = await checkInvariants({ ...stack, posReferences: refs });
    const rows = await stack.dataSource.query<Array<{ checkout_id: string; attempt: number; http_status: number | null; ended: Date; started: Date }>>(
      `SELECT checkout_id, attempt, http_status, recorded_at AS ended, recorded_at - make_interval(secs => coalesce(latency_ms, 0) / 1000.0) AS started
         FROM audit_events WHERE checkout_id = ANY($1) AND vendor = 'cmc' AND operation = 'pos.transaction' ORDER BY id`,
      [refs.map((r) => `checkout:demo:S1:T1:${r}`)],
    );
    // For every 429, the same checkout's next call started no sooner than 2 s after it.
    const gaps: number[] = [];
    for (const [i, row] of rows.entries()) {
      if (row.http_status !== 429) continue;
      const next = rows.slice(i + 1).find((r) => r.checkout_id === row.checkout_id);
      if (next) gaps.push(new Date(next.started).getTime() - new Date(row.ended).getTime());
    }
    const served429 = rows.filter((r) => r.http_status === 429).length;
    printScenarioSummary('4 vendor-429', report, {
      '429_served': served429,
      vendor_calls: rows.length,
      min_gap_after_429_ms: Math.min(...gaps),
      '5xx': results.flatMap((r) => r.answers).filter((a) => a.status >= 500).length,
    });

    expect(report.violations).toEqual([]);
    expect(report.counts.completed).toBe(n);
    expect(served429).toBe(limited);
    expect(gaps).toHaveLength(limited);
    // recorded_at is taken when the row is written, just after the 429 arrived: allow 100 ms of that.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1900);
    // No storm: the vendor saw the rate-limited calls and one successful call per checkout, nothing more.
    expect(rows.length).toBe(limited + n);
    for (const ref of refs) expect(report.effects[ref]['cmc:posttender.transaction']).toBe(1);
  }, 300_000);
});
