import type { ChildProcess } from 'node:child_process';
import { checkSagaInvariants, violationLines } from '../../bench/saga-invariants';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { eventually } from '../support/eventually';
import { injectFault, journalOf } from '../support/journal';
import { resetSandbox } from '../support/sandbox-server';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';
import { buildDist, startWorkerProcess } from '../support/worker-process';

/**
 * The worker process dies (SIGKILL, no goodbye) in the middle of 20 concurrent checkouts; a new one
 * starts. Every checkout must finish, every vendor effect must be in the journal exactly once, and
 * the audit trail must hold each transition once.
 */
describe('a worker killed mid-checkout', () => {
  let stack: TestStack;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    buildDist();
    // The API waits long enough for sagas whose activities must time out on the dead worker first.
    stack = await startTestStack({ CHECKOUT_ANSWER_TIMEOUT_MS: '120000' }, { worker: false });
    workers.push(await startWorkerProcess(stack.config, 'worker-crash-1.log'));
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await stack?.stop();
  });

  it('lets 20 concurrent checkouts finish after a SIGKILL and restart, with no duplicate effect and each transition audited once', async () => {
    await resetSandbox(stack.sandboxUrl);
    // Slow every vendor call so the kill lands while checkouts are in flight.
    await injectFault(stack.sandboxUrl, { path: '/*', kind: 'latency', latencyMs: 250 });
    const refs = Array.from({ length: 20 }, () => uniquePosReference('KILL'));
    const bodies = await Promise.all(refs.map((ref) => referenceCheckoutBody(stack.sandboxUrl, ref, { complete: true })));
    const answers = Promise.all(bodies.map((body) => stack.api().post('/v1/checkouts').timeout(170_000).send(body)));

    // Kill once the first effects have landed (not after a fixed sleep: a busy machine starts slower).
    const before = await eventually(() => journalOf(stack.sandboxUrl, 'demo:S1:T1:KILL'), (effects) => effects.length > 0, { timeoutMs: 60_000 });
    workers[0].kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    workers.push(await startWorkerProcess(stack.config, 'worker-crash-2.log'));
    const responses = await answers;

    expect(before.length).toBeGreaterThan(0); // the kill did land mid-flight
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(responses.map((r) => r.body.state)).toEqual(Array(20).fill('completed'));
    // The shared invariants (bench/saga-invariants.ts): each effect once in the journal with exactly
    // one success audit row, each transition once, every workflow closed, the chain verified.
    // All 20 share the sandbox's one customer, so later ones find the wallet or points spent: a
    // refused spend or redemption is no effect, but never a doubled one. A CMC sale whose try died
    // after it may have been sent ends OUTCOME_UNKNOWN instead of being sent again (no lookup): the
    // invariants accept that end for CMC only, with at most one send.
    const report = await checkSagaInvariants(
      {
        query: (sql, params) => stack.dataSource.query(sql, params),
        sandboxUrl: stack.sandboxUrl,
        temporal: stack.temporal,
        // Store S1 only: other test files tamper with chains of their own stores on purpose.
        verifyChain: async (from, to) => {
          const res = await stack.api(stack.keys.admin).get(`/v1/audit/verify?from=${from}&to=${to}&store=S1`);
          return { status: res.status, body: res.body as unknown };
        },
      },
      refs.map((ref, i) => {
        const receipt = responses[i].body.receipt;
        return {
          posReference: ref,
          mustExist: true,
          expectedEffects: [
            'crmcom:purchase.create',
            ...(receipt.spent !== '0.00' ? ['crmcom:spend.create'] : []),
            ...(receipt.pointsRedeemed > 0 ? ['capillary:points.redeem'] : []),
            'capillary:transaction.add',
            'coupontools:coupon.lock',
            'coupontools:coupon.validate',
            'cmc:posttender.transaction',
          ],
        };
      }),
      { waitMs: 30_000 },
    );
    expect(violationLines(report.violations)).toEqual([]);
    expect(report.chain).toBe('verified');
    expect(Object.values(report.states)).toEqual(Array(20).fill('completed'));
  }, 180_000);
});
