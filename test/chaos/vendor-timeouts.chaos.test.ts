import request from 'supertest';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { injectFault } from '../support/journal';
import { useApiKey } from './support/chaos-http';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { checkInvariants } from './invariants';
import { chaosProfile } from './support/chaos-profile';
import { printScenarioSummary } from './support/chaos-summary';
import { latencyStats } from './support/load-driver';
import { runPosCheckout } from './support/pos-client';

/** The documented bound (README: CHECKOUT_ANSWER_TIMEOUT_MS): past it the POS gets 202 and polls. */
const ANSWER_BOUND_MS = 10_000;
const VENDOR_TIMEOUT_MS = 2000;

/**
 * Scenario 5: CRM.COM's purchase hangs past the call timeout (nothing applied), and CMC applies the
 * post-tender transaction and then never answers (the lost reply). CRM.COM's is resolved by looking
 * the purchase up before the retry sends anything. CMC has no lookup, so its transaction is never
 * sent again: the retry ends "outcome unknown" (an `unknown` audit row and an OUTCOME_UNKNOWN
 * exception on the receipt for finance) and the sale stands. One send of each effect in the journal.
 * The POS gets its final answer, or 202 with the view so far, within the documented bound.
 */
describe('chaos 5: vendors that hang, and one that applies the effect and then times out', () => {
  const profile = chaosProfile();
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ CHECKOUT_ANSWER_TIMEOUT_MS: String(ANSWER_BOUND_MS), VENDOR_TIMEOUT_MS: String(VENDOR_TIMEOUT_MS) });
    useApiKey(stack.keys.admin);
  });
  afterAll(() => stack?.stop());

  it('resolves the lost purchase by lookup and sends no lost CMC sale twice: one send per step, an answer within the bound', async () => {
    await request(stack.sandboxUrl).post('/_sandbox/reset').expect(200);
    const n = profile.faultCheckouts;
    await injectFault(stack.sandboxUrl, { path: '/crmcom/crmapi/rest/v2/customer_events/purchases/create', kind: 'hang', times: n });
    await injectFault(stack.sandboxUrl, { path: '/cmc/pos/checkout-saga/transaction', kind: 'apply_then_timeout', latencyMs: 30_000, times: n });
    const refs = Array.from({ length: n }, () => uniquePosReference('C5'));
    const bodies = await Promise.all(refs.map((ref) => referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true })));
    const results = await Promise.all(refs.map((ref, i) => runPosCheckout(stack.apiUrl, ref, bodies[i], { deadlineMs: 120_000 })));

    const report = await checkInvariants({ ...stack, posReferences: refs });
    const first = results.map((r) => r.answers[0]);
    const faults = (await request(stack.sandboxUrl).get('/_sandbox/faults').expect(200)).body.faults as Array<{ kind: string; hits: number }>;
    printScenarioSummary('5 vendor-timeouts', report, {
      hangs: faults.find((f) => f.kind === 'hang')?.hits ?? 0,
      lost_replies: faults.find((f) => f.kind === 'apply_then_timeout')?.hits ?? 0,
      answered_201: first.filter((a) => a.status === 201).length,
      answered_202: first.filter((a) => a.status === 202).length,
      first_answer_max_ms: latencyStats(first.map((a) => a.ms)).max,
      final_max_ms: latencyStats(results.map((r) => r.totalMs)).max,
    });

    expect(report.violations).toEqual([]);
    expect(faults.map((f) => f.hits)).toEqual([n, n]);
    // A final answer or a clear pending state, within the bound (plus the API's own overhead).
    for (const a of first) {
      expect([201, 202]).toContain(a.status);
      expect(a.ms).toBeLessThan(ANSWER_BOUND_MS + 3000);
    }
    expect(results.map((r) => r.finalState)).toEqual(refs.map(() => 'completed'));
    for (const ref of refs) {
      expect(report.effects[ref]['crmcom:purchase.create']).toBe(1);
      // Sent once (applied, its reply lost), never re-sent.
      expect(report.effects[ref]['cmc:posttender.transaction']).toBe(1);
    }
    // Each lost CMC reply ends as an exception for finance, not as a re-send.
    const ids = refs.map((r) => `checkout:demo:S1:T1:${r}`);
    const views = await stack.dataSource.query<Array<{ view: { receipt?: { exceptions: Array<{ vendor: string; code: string }>; references: Record<string, string> } } }>>(
      'SELECT view FROM checkouts WHERE id = ANY($1)',
      [ids],
    );
    expect(views).toHaveLength(n);
    for (const { view } of views) {
      expect(view.receipt?.exceptions).toEqual([expect.objectContaining({ vendor: 'cmc', code: 'OUTCOME_UNKNOWN' })]);
      expect(view.receipt?.references.cmcTransactionId).toBeUndefined();
    }
    const unknown = await stack.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_events WHERE checkout_id = ANY($1) AND vendor = 'cmc' AND operation = 'pos.transaction' AND outcome = 'unknown'`,
      [ids],
    );
    expect(unknown[0].n).toBe(n);
  }, 300_000);
});
