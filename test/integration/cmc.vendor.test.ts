import type { PostTenderTransaction } from '../../activities/vendors/capabilities';
import { CmcVendor, type CmcOptions } from '../../activities/vendors/cmc.vendor';
import { CMC_SANDBOX_CLIENT_ID, CMC_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/cmc.sandbox';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { FailureTypes } from '../../workflows/checkout.contract';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { callContext, failureOf, stepIntents } from '../support/vendor-calls';

const POS_SYSTEM = 'checkout-saga';
const START_PATH = `/cmc/pos/${POS_SYSTEM}/startInteraction`;
const TRANSACTION_PATH = `/cmc/pos/${POS_SYSTEM}/transaction`;
const TOKEN_PATH = '/cmc/connect/token';

/** The CMC (ClearLine) post-tender adapter against the sandbox over real HTTP. */
describe(CmcVendor.name, () => {
  /** Paths the sandbox was asked for, in order: counts token requests and interactions. */
  let hits: string[] = [];
  const sandbox = sandboxForFile((app) =>
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/cmc/')) hits.push(req.url);
    }),
  );
  beforeEach(() => {
    hits = [];
  });

  const adapter = (overrides: Partial<CmcOptions> = {}) =>
    new CmcVendor({
      baseUrl: `${sandbox.url}/cmc`,
      tokenUrl: `${sandbox.url}${TOKEN_PATH}`,
      clientId: CMC_SANDBOX_CLIENT_ID,
      clientSecret: CMC_SANDBOX_CLIENT_SECRET,
      posSystemId: POS_SYSTEM,
      timeoutMs: 1000,
      ...overrides,
    });
  const sale = (overrides: Partial<PostTenderTransaction> = {}): PostTenderTransaction => ({
    terminalId: 'T1',
    posLocationId: 'S1',
    amountMinor: 7500,
    transactionDate: '2026-11-21T10:00:00Z',
    lines: [{ sku: 'SKU-1', description: 'Soft Drinks', quantity: 3, totalMinor: 7500, netMinor: 6000, vatMinor: 1500 }],
    customerId: 'c0ffee5eed',
    ...overrides,
  });
  const journal = (reference: string) => journalOf(sandbox.url, reference, 'cmc');
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);
  const tokenRequests = () => hits.filter((h) => h === TOKEN_PATH).length;

  describe('sendTransaction', () => {
    it('sends a sale that fires the POS Rule and maps the QR code widget and CFS template', async () => {
      const { ctx, records } = callContext('R-sale');
      const receipt = await adapter().sendTransaction(ctx, sale());
      expect(receipt).toEqual({
        vendorTransactionId: expect.any(String),
        sessionId: expect.any(String),
        qrCodeWidget: {
          shortLinkUrl: expect.stringMatching(/^https:\/\//),
          qrCodeLinkUrl: expect.stringMatching(/^https:\/\//),
          qrCodeHtmlLinkUrl: expect.stringMatching(/^https:\/\//),
          qrCodePreviewLinkUrl: expect.stringMatching(/^https:\/\//),
        },
        cfsTemplate: { accountTemplateId: '7', cfsCarouselUrl: expect.stringMatching(/^https:\/\//) },
      });
      expect(records).toEqual([
        expect.objectContaining({ operation: 'pos.startInteraction', outcome: 'success', httpStatus: 200, vendorReference: receipt.sessionId }),
        expect.objectContaining({ operation: 'pos.transaction', outcome: 'success', httpStatus: 200, vendorReference: receipt.vendorTransactionId, amountMinor: 7500 }),
      ]);
      expect(await journal('R-sale')).toEqual([
        expect.objectContaining({ effect: 'posttender.transaction', reference: 'R-sale', amount: '75.00', vendorReference: receipt.vendorTransactionId }),
      ]);
    });

    it('returns no widget or template for a sale below the POS Rule threshold', async () => {
      const receipt = await adapter().sendTransaction(callContext('R-small').ctx, sale({ amountMinor: 1250 }));
      expect(receipt).toEqual({ vendorTransactionId: expect.any(String), sessionId: expect.any(String) });
      expect(await journal('R-small')).toEqual([expect.objectContaining({ amount: '12.50' })]);
    });

    it('sends a sale from the documentation example terminal', async () => {
      const receipt = await adapter().sendTransaction(callContext('R-doc').ctx, sale({ terminalId: '6orMqUyq', posLocationId: '6orMqUyq2Hg3tP' }));
      expect(receipt.vendorTransactionId).toEqual(expect.any(String));
    });

    it('refuses a Disabled terminal with a readable reason and sends no transaction', async () => {
      const { ctx, records } = callContext('R-disabled');
      const error = await failureOf(adapter().sendTransaction(ctx, sale({ terminalId: 'T-DISABLED' })));
      expect(error).toMatchObject({
        type: FailureTypes.vendorRejection,
        nonRetryable: true,
        details: [expect.objectContaining({ vendor: 'cmc', code: 'Disabled', reason: expect.stringContaining('T-DISABLED at S1 is disabled') })],
      });
      expect(records.map((r) => [r.operation, r.outcome, r.errorCode])).toEqual([['pos.startInteraction', 'rejected', 'Disabled']]);
      expect(hits.filter((h) => h === TRANSACTION_PATH)).toEqual([]);
      expect(await journal('R-disabled')).toEqual([]);
    });

    it('refuses a NotAvailable terminal', async () => {
      const error = await failureOf(adapter().sendTransaction(callContext('R-na').ctx, sale({ terminalId: 'T-NOT-AVAILABLE' })));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'NotAvailable', reason: expect.stringContaining('not available') })] });
    });

    it('refuses a terminal ClearLine does not know (404 terminal not found)', async () => {
      const { ctx, records } = callContext('R-unknown');
      const error = await failureOf(adapter().sendTransaction(ctx, sale({ terminalId: 'T-NOPE' })));
      expect(error).toMatchObject({
        type: FailureTypes.vendorRejection,
        nonRetryable: true,
        details: [expect.objectContaining({ code: 'HTTP_404', httpStatus: 404, reason: expect.stringContaining('not registered as a CFS terminal') })],
      });
      expect(records[0]).toMatchObject({ operation: 'pos.startInteraction', outcome: 'rejected', httpStatus: 404, errorCode: 'HTTP_404' });
    });

    it('reports an injected 503 as VendorUnavailable; ClearLine did not apply it, so the next attempt sends the sale, once', async () => {
      await inject({ path: TRANSACTION_PATH, kind: 'status', status: 503, times: 1 });
      const vendor = adapter();
      const intents = stepIntents();
      const first = callContext('R-503', 1, 'EUR', intents);
      const error = await failureOf(vendor.sendTransaction(first.ctx, sale()));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
      expect(first.records.at(-1)).toMatchObject({ operation: 'pos.transaction', outcome: 'failed', httpStatus: 503 });
      // The 503 cleared the intent: the retry is not an "outcome unknown".
      await vendor.sendTransaction(callContext('R-503', 2, 'EUR', intents).ctx, sale());
      expect((await journal('R-503')).map((e) => e.outcome)).toEqual(['applied']);
    });

    it('reports a 429 on startInteraction as VendorUnavailable honouring Retry-After; nothing was sent, so the next attempt sends', async () => {
      await inject({ path: START_PATH, kind: 'rate_limit', retryAfterSeconds: 2, times: 1 });
      const vendor = adapter();
      const intents = stepIntents();
      await expect(vendor.sendTransaction(callContext('R-429', 1, 'EUR', intents).ctx, sale())).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, nextRetryDelay: 2000 });
      await vendor.sendTransaction(callContext('R-429', 2, 'EUR', intents).ctx, sale());
      expect(await journal('R-429')).toHaveLength(1);
    });

    /**
     * ClearLine documents no lookup and no duplicate detection, and the sandbox de-duplicates nothing:
     * a transaction whose reply was lost must not be sent again. Before this rule the retry re-sent
     * the transactionId and the journal held two sales.
     */
    it('after a lost reply, does not send the transaction again: one send, an unknown-outcome row, a refusal for finance', async () => {
      await inject({ path: TRANSACTION_PATH, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const vendor = adapter({ timeoutMs: 300 });
      const intents = stepIntents();
      const first = callContext('R-lost', 1, 'EUR', intents);
      await expect(vendor.sendTransaction(first.ctx, sale())).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
      expect(await journal('R-lost')).toHaveLength(1);

      const retry = callContext('R-lost', 2, 'EUR', intents);
      const error = await failureOf(vendor.sendTransaction(retry.ctx, sale()));
      expect(error).toMatchObject({
        type: FailureTypes.vendorRejection,
        nonRetryable: true,
        details: [expect.objectContaining({ vendor: 'cmc', code: 'OUTCOME_UNKNOWN', reason: expect.stringContaining('R-lost may have reached ClearLine') })],
      });
      expect(retry.records.map((r) => [r.operation, r.outcome])).toEqual([
        ['pos.startInteraction', 'success'],
        ['pos.transaction', 'unknown'],
      ]);
      // For ops and finance: our reference and the amount, nothing personal (the sale's customer id is not in it).
      expect(retry.records[1]).toMatchObject({ amountMinor: 7500, vendorReference: null, errorCode: 'OUTCOME_UNKNOWN', requestExcerpt: { transactionId: 'R-lost', attempt: 2, sent_again: false } });
      expect(JSON.stringify(retry.records[1])).not.toContain('c0ffee5eed');
      expect(hits.filter((h) => h === TRANSACTION_PATH)).toHaveLength(1);
      expect((await journal('R-lost')).map((e) => [e.effect, e.outcome])).toEqual([['posttender.transaction', 'applied']]);
      // Every later try (a retry, an ops reset) ends the same way, and still sends nothing.
      await expect(vendor.sendTransaction(callContext('R-lost', 1, 'EUR', intents).ctx, sale())).rejects.toMatchObject({ details: [expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })] });
      expect(await journal('R-lost')).toHaveLength(1);
    });

    it('a gateway 502 may hide an applied sale: the next attempt does not send it again', async () => {
      await inject({ path: TRANSACTION_PATH, kind: 'status', status: 502, body: '<html>Bad Gateway</html>', times: 1 });
      const vendor = adapter();
      const intents = stepIntents();
      const first = callContext('R-502', 1, 'EUR', intents);
      await expect(vendor.sendTransaction(first.ctx, sale())).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable });
      expect(first.records.at(-1)).toMatchObject({ operation: 'pos.transaction', outcome: 'failed', httpStatus: 502 });
      const retry = callContext('R-502', 2, 'EUR', intents);
      await expect(vendor.sendTransaction(retry.ctx, sale())).rejects.toMatchObject({ details: [expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })] });
      expect(retry.records.map((r) => [r.operation, r.outcome])).toEqual([['pos.startInteraction', 'success'], ['pos.transaction', 'unknown']]);
      expect(hits.filter((h) => h === TRANSACTION_PATH)).toEqual([]);
    });

    it('a refusal ClearLine answered (400 ProblemDetails) was not applied: an ops reset may send the transaction again', async () => {
      await inject({ path: TRANSACTION_PATH, kind: 'status', status: 400, body: { title: 'Bad Request', status: 400, errors: { transactionAmount: ['invalid'] } }, times: 1 });
      const vendor = adapter();
      const intents = stepIntents();
      await expect(vendor.sendTransaction(callContext('R-400-reset', 1, 'EUR', intents).ctx, sale())).rejects.toMatchObject({ type: FailureTypes.vendorRejection });
      await vendor.sendTransaction(callContext('R-400-reset', 1, 'EUR', intents).ctx, sale());
      expect((await journal('R-400-reset')).map((e) => e.outcome)).toEqual(['applied']);
    });

    it('restarts the interaction once when ClearLine refuses the session', async () => {
      await inject({
        path: TRANSACTION_PATH,
        kind: 'status',
        status: 400,
        body: { title: 'One or more validation errors occurred.', status: 400, errors: { SessionId: ['Session expired'] } },
        times: 1,
      });
      const { ctx, records } = callContext('R-session');
      await adapter().sendTransaction(ctx, sale());
      expect(records.map((r) => [r.operation, r.outcome])).toEqual([
        ['pos.startInteraction', 'success'],
        ['pos.transaction', 'rejected'],
        ['pos.startInteraction', 'success'],
        ['pos.transaction', 'success'],
      ]);
      expect(await journal('R-session')).toHaveLength(1);
    });

    it('refuses a transaction ClearLine finds invalid, naming the fields', async () => {
      const error = await failureOf(adapter().sendTransaction(callContext('R-bad-date').ctx, sale({ transactionDate: 'yesterday' })));
      // Our own guard: an unparseable date never reaches the vendor.
      expect(error).toBeInstanceOf(TypeError);
      await inject({ path: TRANSACTION_PATH, kind: 'status', status: 400, body: { title: 'Bad Request', errors: { transactionAmount: ['invalid'] } }, times: 1 });
      await expect(adapter().sendTransaction(callContext('R-400').ctx, sale())).rejects.toMatchObject({
        type: FailureTypes.vendorRejection,
        details: [expect.objectContaining({ code: 'HTTP_400', reason: expect.stringContaining('transactionAmount') })],
      });
    });
  });

  describe('sendRefund', () => {
    const refund = (originalTransactionId: string, overrides: Partial<PostTenderTransaction> = {}) => ({ ...sale({ amountMinor: 2500, ...overrides }), originalTransactionId });

    it('sends a negative transaction that references the original sale', async () => {
      const vendor = adapter();
      await vendor.sendTransaction(callContext('R-orig').ctx, sale());
      const { ctx, records } = callContext('R-orig-refund');
      const receipt = await vendor.sendRefund(ctx, refund('R-orig'));
      expect(receipt).toEqual({ vendorTransactionId: expect.any(String), sessionId: expect.any(String) });
      expect(records.at(-1)).toMatchObject({ operation: 'pos.refund', outcome: 'success', amountMinor: -2500 });
      expect(await journal('R-orig-refund')).toEqual([
        expect.objectContaining({ effect: 'posttender.refund', reference: 'R-orig-refund', amount: '-25.00', vendorReference: receipt.vendorTransactionId }),
      ]);
    });

    it('refuses a refund of a sale ClearLine does not know', async () => {
      const error = await failureOf(adapter().sendRefund(callContext('R-ghost-refund').ctx, refund('R-ghost')));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'HTTP_404', reason: expect.stringContaining('original sale') })] });
      expect(await journal('R-ghost-refund')).toEqual([]);
    });

    it('refuses refunds that add up to more than the sale', async () => {
      const vendor = adapter();
      await vendor.sendTransaction(callContext('R-over').ctx, sale());
      await vendor.sendRefund(callContext('R-over-refund-1').ctx, refund('R-over', { amountMinor: 5000 }));
      const error = await failureOf(vendor.sendRefund(callContext('R-over-refund-2').ctx, refund('R-over', { amountMinor: 5000 })));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'HTTP_400', reason: expect.stringContaining('exceed') })] });
    });

    it('refuses a refund at a Disabled terminal', async () => {
      await expect(adapter().sendRefund(callContext('R-dis-refund').ctx, refund('R-x', { terminalId: 'T-DISABLED' }))).rejects.toMatchObject({
        type: FailureTypes.vendorRejection,
        details: [expect.objectContaining({ code: 'Disabled' })],
      });
    });

    it('reports an injected 503 as VendorUnavailable, and the next attempt refunds once', async () => {
      const vendor = adapter();
      await vendor.sendTransaction(callContext('R-r503').ctx, sale());
      await inject({ path: TRANSACTION_PATH, kind: 'status', status: 503, times: 1 });
      const intents = stepIntents();
      await expect(vendor.sendRefund(callContext('R-r503-refund', 1, 'EUR', intents).ctx, refund('R-r503'))).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable });
      await vendor.sendRefund(callContext('R-r503-refund', 2, 'EUR', intents).ctx, refund('R-r503'));
      expect(await journal('R-r503-refund')).toHaveLength(1);
    });

    it('after a lost reply, does not send the refund again: one refund, an unknown outcome for finance', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      await vendor.sendTransaction(callContext('R-rlost').ctx, sale());
      await inject({ path: TRANSACTION_PATH, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const intents = stepIntents();
      await expect(vendor.sendRefund(callContext('R-rlost-refund', 1, 'EUR', intents).ctx, refund('R-rlost'))).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable });
      const retry = callContext('R-rlost-refund', 2, 'EUR', intents);
      await expect(vendor.sendRefund(retry.ctx, refund('R-rlost'))).rejects.toMatchObject({
        nonRetryable: true,
        details: [expect.objectContaining({ code: 'OUTCOME_UNKNOWN', reason: expect.stringContaining('refund R-rlost-refund') })],
      });
      expect(retry.records.at(-1)).toMatchObject({ operation: 'pos.refund', outcome: 'unknown', amountMinor: -2500 });
      expect((await journal('R-rlost-refund')).map((e) => [e.effect, e.outcome])).toEqual([['posttender.refund', 'applied']]);
    });
  });

  describe('access token', () => {
    it('fetches one token and reuses it across calls', async () => {
      const vendor = adapter();
      await vendor.sendTransaction(callContext('R-t1').ctx, sale());
      await vendor.sendTransaction(callContext('R-t2').ctx, sale());
      expect(tokenRequests()).toBe(1);
    });

    it('shares one token request between concurrent calls', async () => {
      const vendor = adapter();
      await Promise.all([vendor.sendTransaction(callContext('R-c1').ctx, sale()), vendor.sendTransaction(callContext('R-c2').ctx, sale())]);
      expect(tokenRequests()).toBe(1);
    });

    it('renews the token before it expires', async () => {
      let now = Date.now();
      const vendor = adapter({ now: () => now });
      await vendor.sendTransaction(callContext('R-e1').ctx, sale());
      now += 3600 * 1000 - 4 * 60 * 1000; // inside the renewal margin, still valid at the vendor
      await vendor.sendTransaction(callContext('R-e2').ctx, sale());
      expect(tokenRequests()).toBe(2);
    });

    it('renews a token ClearLine answers 401 to and repeats the call once', async () => {
      const vendor = adapter();
      await vendor.sendTransaction(callContext('R-a1').ctx, sale());
      await inject({ path: START_PATH, kind: 'status', status: 401, body: '', times: 1 });
      const { ctx, records } = callContext('R-a2');
      await vendor.sendTransaction(ctx, sale());
      expect(records.map((r) => [r.operation, r.outcome, r.errorCode ?? null])).toEqual([
        ['pos.startInteraction', 'rejected', 'HTTP_401'],
        ['pos.startInteraction', 'success', null],
        ['pos.transaction', 'success', null],
      ]);
      expect(tokenRequests()).toBe(2);
    });

    it('refuses wrong client credentials without auditing a business call', async () => {
      const { ctx, records } = callContext('R-secret');
      const error = await failureOf(adapter({ clientSecret: 'wrong' }).sendTransaction(ctx, sale()));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, nonRetryable: true, details: [expect.objectContaining({ code: 'invalid_client', httpStatus: 401 })] });
      expect(JSON.stringify(error)).not.toContain('wrong');
      expect(records).toEqual([]);
    });

    it('reports a token endpoint 503 or an unreachable one as VendorUnavailable', async () => {
      await inject({ path: TOKEN_PATH, kind: 'status', status: 503, times: 1 });
      await expect(adapter().sendTransaction(callContext('R-t503').ctx, sale())).rejects.toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
      await expect(adapter({ tokenUrl: 'http://127.0.0.1:9/connect/token' }).sendTransaction(callContext('R-down').ctx, sale())).rejects.toMatchObject({
        type: FailureTypes.vendorUnavailable,
      });
    });
  });
});
