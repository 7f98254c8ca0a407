import request from 'supertest';
import type { LoyaltyCustomer, LoyaltyPurchase } from '../../activities/vendors/capabilities';
import { CrmcomBackofficeVendor, crmcomPurchaseId } from '../../activities/vendors/crmcom-backoffice.vendor';
import { CRMCOM_BACKOFFICE_ERRORS as E, CRMCOM_SANDBOX_API_KEY } from '../../src/sandbox/crmcom-backoffice.sandbox';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { FailureTypes } from '../../workflows/checkout.contract';
import { eventually } from '../support/eventually';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { holdsToken } from '../support/stored-secrets';
import { callContext, failureOf, recordedCalls, stepIntents } from '../support/vendor-calls';

const PREFIX = '/crmcom/backoffice/v1';
const JOHN = '5c3e4a9e-8f1d-4b6a-9c2e-1a7d3f5b0001';

/** The CRM.COM back-office adapter against the sandbox over real HTTP. */
describe(CrmcomBackofficeVendor.name, () => {
  const sandbox = sandboxForFile();

  const adapter = (overrides: Partial<{ baseUrl: string; apiKey: string; timeoutMs: number }> = {}) =>
    new CrmcomBackofficeVendor({ baseUrl: `${sandbox.url}${PREFIX}`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 1000, ...overrides });
  const line = (sku: string, totalMinor: number) => ({ sku, quantity: 1, totalMinor, netMinor: totalMinor - totalMinor / 5, vatMinor: totalMinor / 5 });
  const purchaseOf = (...lines: LoyaltyPurchase['lines']): LoyaltyPurchase => ({ performedOn: '2026-11-21T10:00:00Z', externalSystem: 'T1', lines });
  const tenEuros = purchaseOf(line('Soft Drinks', 1000));
  const john: LoyaltyCustomer = { accountNumber: JOHN, walletBalanceMinor: 1000 };
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);
  const effects = async (reference: string) => (await journalOf(sandbox.url, reference, 'crmcom')).map((e) => `${e.effect}${e.amount ? ` ${e.amount}` : ''}`);

  describe('identify', () => {
    it('finds the document participant 22265577 by its authentication code, with wallet balance 10.00', async () => {
      const { ctx, records } = callContext('BO-identify');
      await expect(adapter().identify(ctx, { type: 'code', value: '22265577' })).resolves.toEqual({ accountNumber: JOHN, walletBalanceMinor: 1000 });
      expect(records).toEqual([expect.objectContaining({ operation: 'customers.list', outcome: 'success', httpStatus: 200, vendorReference: JOHN })]);
    });

    it.each([
      ['number', '400'],
      ['phone', '+3579900400'],
      ['email', 'john.doe@example.com'],
      ['externalId', 'EXT-400'],
    ] as const)('finds the same contact by identifier type %s', async (type, value) => {
      await expect(adapter().identify(callContext('BO-types').ctx, { type, value })).resolves.toMatchObject({ accountNumber: JOHN });
    });

    it('rejects an unknown contact with the vendor code, without the searched value in the audit row', async () => {
      const { ctx, records } = callContext('BO-unknown');
      const error = await failureOf(adapter().identify(ctx, { type: 'email', value: 'nobody@example.com' }));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, nonRetryable: true, details: [expect.objectContaining({ code: E.notFound, reason: 'CRM.COM knows no such customer' })] });
      expect(records[0]).toMatchObject({ outcome: 'rejected', httpStatus: 400, errorCode: E.notFound });
      expect(JSON.stringify(records)).not.toContain('nobody@example.com');
    });

    it('reports a 503 as retryable VendorUnavailable, and the next attempt succeeds', async () => {
      await inject({ path: `${PREFIX}/customers`, kind: 'status', status: 503, times: 1 });
      const error = await failureOf(adapter().identify(callContext('BO-503').ctx, { type: 'code', value: '22265577' }));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false });
      await expect(adapter().identify(callContext('BO-503', 2).ctx, { type: 'code', value: '22265577' })).resolves.toMatchObject({ accountNumber: JOHN });
    });

    it('rejects a wrong API key as a configuration refusal', async () => {
      const error = await failureOf(adapter({ apiKey: 'wrong' }).identify(callContext('BO-key').ctx, { type: 'code', value: '22265577' }));
      expect(error).toMatchObject({
        type: FailureTypes.vendorRejection,
        details: [expect.objectContaining({ code: E.invalidApiKey, httpStatus: 401, reason: expect.stringContaining('CRMCOM_API_KEY') })],
      });
    });
  });

  describe('preview', () => {
    it('offers the wallet balance as the most to spend, without calling CRM.COM (the guide has no preview)', async () => {
      const { ctx, records } = callContext('BO-preview');
      await expect(adapter().preview(ctx, john, tenEuros)).resolves.toEqual({
        awardMinor: 0,
        automaticSpendMinor: 0,
        maxAdditionalSpendMinor: 1000,
        // We submit every purchase FRONT_END: the till redeems, CRM.COM pays nothing out.
        reductionMethod: 'front_end',
      });
      expect(records).toEqual([]);
    });
  });

  describe('submitPurchase', () => {
    it('posts the purchase under our own id and maps the 1 % award', async () => {
      const { ctx, records } = callContext('BO-award');
      await expect(adapter().submitPurchase(ctx, john, tenEuros)).resolves.toEqual({
        purchaseNumber: crmcomPurchaseId('BO-award'),
        awardedMinor: 10,
        automaticSpendMinor: 0,
      });
      expect(records).toEqual([expect.objectContaining({ operation: 'purchases.create', outcome: 'success', vendorReference: crmcomPurchaseId('BO-award'), amountMinor: 10 })]);
      expect(await effects('BO-award')).toEqual(['purchase.create 0.10']);
    });

    it('returns a spend reduced by the spend rule as a result, not an error', async () => {
      const result = await adapter().submitPurchase(callContext('BO-reduced').ctx, john, tenEuros, 800);
      expect(result.spend).toEqual({ spendNumber: null, requestedMinor: 800, approvedMinor: 500 });
      expect(await effects('BO-reduced')).toEqual(['purchase.create 0.10', 'spend.create 5.00']);
      await expect(adapter().identify(callContext('BO-reduced-w').ctx, { type: 'code', value: '22265577' })).resolves.toMatchObject({ walletBalanceMinor: 510 });
    });

    it('caps the approved spend at the wallet balance', async () => {
      const result = await adapter().submitPurchase(callContext('BO-capped').ctx, john, purchaseOf(line('Soft Drinks', 1000), line('Sandwiches', 2000)), 2000);
      expect(result.spend).toEqual({ spendNumber: null, requestedMinor: 2000, approvedMinor: 1000 });
    });

    it('posts the purchase but returns a refusal when no spend is approved (empty wallet)', async () => {
      const jane = await adapter().identify(callContext('BO-jane').ctx, { type: 'code', value: '22265588' });
      const result = await adapter().submitPurchase(callContext('BO-refused').ctx, jane, tenEuros, 300);
      expect(result).toMatchObject({ awardedMinor: 10, spend: { requestedMinor: 300, approvedMinor: 0, refusal: { code: 'SPEND_NOT_APPROVED' } } });
      expect(await effects('BO-refused')).toEqual(['purchase.create 0.10']);
    });

    it('rejects a purchase for an unknown contact', async () => {
      const { ctx, records } = callContext('BO-nocontact');
      const error = await failureOf(adapter().submitPurchase(ctx, { accountNumber: '00000000-0000-4000-8000-000000000000', walletBalanceMinor: 0 }, tenEuros));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: E.notFound, reason: 'CRM.COM knows no such customer' })] });
      expect(records[0]).toMatchObject({ outcome: 'rejected', errorCode: E.notFound });
      expect(await effects('BO-nocontact')).toEqual([]);
    });

    it('rejects a purchase of a product CRM.COM does not know', async () => {
      const error = await failureOf(adapter().submitPurchase(callContext('BO-noproduct').ctx, john, purchaseOf(line('Caviar', 1000))));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: E.notFound, reason: 'CRM.COM does not know product Caviar' })] });
    });

    it('rejects an invalid purchase (no products)', async () => {
      const error = await failureOf(adapter().submitPurchase(callContext('BO-empty').ctx, john, purchaseOf()));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: E.missingParameter })] });
    });

    it('reports a 503 as VendorUnavailable; the retry looks up, finds nothing and posts once', async () => {
      await inject({ path: `${PREFIX}/purchases`, method: 'POST', kind: 'status', status: 503, times: 1 });
      const error = await failureOf(adapter().submitPurchase(callContext('BO-503p').ctx, john, tenEuros, 300));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable });
      const retry = callContext('BO-503p', 2);
      await expect(adapter().submitPurchase(retry.ctx, john, tenEuros, 300)).resolves.toMatchObject({ awardedMinor: 10, spend: { approvedMinor: 300 } });
      expect(retry.records.map((r) => r.operation)).toEqual(['purchases.show', 'purchases.create']);
      expect(await effects('BO-503p')).toEqual(['purchase.create 0.10', 'spend.create 3.00']);
    });

    it('resolves a lost reply on attempt 2 by looking up our purchase id: one purchase, one spend', async () => {
      await inject({ path: `${PREFIX}/purchases`, method: 'POST', kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const error = await failureOf(adapter({ timeoutMs: 300 }).submitPurchase(callContext('BO-lost').ctx, john, tenEuros, 400));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable });
      const retry = callContext('BO-lost', 2);
      await expect(adapter({ timeoutMs: 300 }).submitPurchase(retry.ctx, john, tenEuros, 400)).resolves.toEqual({
        purchaseNumber: crmcomPurchaseId('BO-lost'),
        awardedMinor: 10,
        automaticSpendMinor: 0,
        spend: { spendNumber: null, requestedMinor: 400, approvedMinor: 400 },
      });
      expect(recordedCalls(retry.records)).toEqual(['purchases.show', 'purchases.create (recovered)']);
      expect(await effects('BO-lost')).toEqual(['purchase.create 0.10', 'spend.create 4.00']);
    });

    it('an OTP spend whose reply was lost is found, not posted again: the token is spent once, and its audit rows never hold it', async () => {
      const otp = (await request(sandbox.url).post('/_sandbox/crmcom/otps').send({ cim: '22265577' }).expect(201)).body.otp as string;
      const withOtp = { ...tenEuros, spendOtp: otp };
      await inject({ path: `${PREFIX}/purchases`, method: 'POST', kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      // Attempt 1 twice (an activity reset starts over at 1): the lookup is keyed on the effect
      // intent the first try recorded, never on the attempt number.
      const intents = stepIntents();
      const first = callContext('BO-otp-lost', 1, 'EUR', intents);
      expect(await failureOf(adapter({ timeoutMs: 300 }).submitPurchase(first.ctx, john, withOtp, 400))).toMatchObject({ type: FailureTypes.vendorUnavailable });
      const retry = callContext('BO-otp-lost', 1, 'EUR', intents);
      await expect(adapter({ timeoutMs: 300 }).submitPurchase(retry.ctx, john, withOtp, 400)).resolves.toMatchObject({ spend: { approvedMinor: 400 } });
      expect(recordedCalls(retry.records)).toEqual(['purchases.show', 'purchases.create (recovered)']);
      expect(await effects('BO-otp-lost')).toEqual(['purchase.create 0.10', 'spend.create 4.00']);
      expect(holdsToken(JSON.stringify([...first.records, ...retry.records]), otp)).toBe(false);
    });

    it('a refused OTP posts the purchase once more without the spend and answers the refusal; a 400 on anything else is the purchase refused', async () => {
      const refused = callContext('BO-otp-bad');
      const result = await adapter().submitPurchase(refused.ctx, john, { ...tenEuros, spendOtp: '000000' }, 400);
      expect(result).toMatchObject({
        purchaseNumber: crmcomPurchaseId('BO-otp-bad'),
        awardedMinor: 10,
        spend: { requestedMinor: 400, approvedMinor: 0, refusal: { code: 'SPEND_SECRET_REFUSED', reason: expect.stringContaining('spend token (OTP)') } },
      });
      expect(refused.records.map((r) => `${r.operation} ${r.outcome}`)).toEqual(['purchases.create rejected', 'purchases.create success']);
      expect(await effects('BO-otp-bad')).toEqual(['purchase.create 0.10']);
      // Not a secret's refusal (an unknown product): thrown as the purchase's, nothing posted again.
      const other = callContext('BO-otp-other');
      expect(await failureOf(adapter().submitPurchase(other.ctx, john, { ...purchaseOf(line('Nope', 1000)), spendOtp: '000000' }, 400))).toMatchObject({ type: FailureTypes.vendorRejection });
      expect(other.records).toHaveLength(1);
    });

    it('a re-post refused for its used OTP adopts the purchase our id names (posted with the spend, its reply lost, not yet found)', async () => {
      const otp = (await request(sandbox.url).post('/_sandbox/crmcom/otps').send({ cim: '22265577' }).expect(201)).body.otp as string;
      const withOtp = { ...tenEuros, spendOtp: otp };
      await inject({ path: `${PREFIX}/purchases`, method: 'POST', kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      expect(await failureOf(adapter({ timeoutMs: 300 }).submitPurchase(callContext('BO-otp-lag').ctx, john, withOtp, 400))).toMatchObject({
        type: FailureTypes.vendorUnavailable,
      });
      // The next try sees no intent (as when the lookup found nothing yet): it posts again with the same OTP,
      // which CRM.COM refuses as used (the secret is checked before the id), then the re-post without the spend exists.
      const retry = callContext('BO-otp-lag');
      await expect(adapter({ timeoutMs: 1000 }).submitPurchase(retry.ctx, john, withOtp, 400)).resolves.toEqual({
        purchaseNumber: crmcomPurchaseId('BO-otp-lag'),
        awardedMinor: 10,
        automaticSpendMinor: 0,
        spend: { spendNumber: null, requestedMinor: 400, approvedMinor: 400 },
      });
      expect(recordedCalls(retry.records)).toEqual(['purchases.create', 'purchases.create', 'purchases.show', 'purchases.create (recovered)']);
      expect(await effects('BO-otp-lag')).toEqual(['purchase.create 0.10', 'spend.create 4.00']);
      // CRM.COM echoes the refused token in `parameters`: the audit rows never hold it.
      expect(JSON.stringify(retry.records)).toContain('spend_request.otp');
      expect(holdsToken(JSON.stringify(retry.records), otp)).toBe(false);
    });

    it('submits for the reduction the sale carries, not the one configured now (a switch mid-sale changes nothing)', async () => {
      const backEnd = await adapter().submitPurchase(callContext('BO-red-be').ctx, john, { ...tenEuros, reductionMethod: 'back_end' }, 300);
      expect(backEnd.spend).toMatchObject({ approvedMinor: 300 });
      expect(await effects('BO-red-be')).toEqual(['purchase.create 0.10', 'spend.payout 3.00']);
      const frontEnd = new CrmcomBackofficeVendor({ baseUrl: `${sandbox.url}${PREFIX}`, apiKey: CRMCOM_SANDBOX_API_KEY, timeoutMs: 1000, reduction: 'back_end' });
      await frontEnd.submitPurchase(callContext('BO-red-fe').ctx, john, { ...tenEuros, reductionMethod: 'front_end' }, 300);
      expect(await effects('BO-red-fe')).toEqual(['purchase.create 0.10', 'spend.create 3.00']);
    });

    it('adopts the existing purchase when CRM.COM answers that our id was already posted', async () => {
      const first = await adapter().submitPurchase(callContext('BO-twice').ctx, john, tenEuros);
      const again = callContext('BO-twice');
      await expect(adapter().submitPurchase(again.ctx, john, tenEuros)).resolves.toEqual(first);
      expect(again.records.map((r) => [r.operation, r.httpStatus, r.recoveredBy])).toEqual([
        ['purchases.create', 400, undefined],
        ['purchases.show', 200, undefined],
        // The trail names the purchase it adopted; the writer skips this row when the first attempt's landed.
        ['purchases.create', null, 'purchases.show'],
      ]);
      expect(await effects('BO-twice')).toEqual(['purchase.create 0.10']);
    });
  });

  describe('findPurchase', () => {
    it('finds the purchase posted under the reference, and nothing for one never posted', async () => {
      await adapter().submitPurchase(callContext('BO-find').ctx, john, tenEuros);
      await expect(adapter().findPurchase(callContext('BO-find').ctx)).resolves.toEqual({ purchaseNumber: crmcomPurchaseId('BO-find'), spendNumber: null });
      await expect(adapter().findPurchase(callContext('BO-never').ctx)).resolves.toBeUndefined();
    });
  });

  describe('voidPurchase', () => {
    const posted = async (reference: string) => adapter().submitPurchase(callContext(reference).ctx, john, tenEuros, 500);
    const wallet = async () => (await adapter().identify(callContext('BO-wallet').ctx, { type: 'code', value: '22265577' })).walletBalanceMinor;

    it('cancels the purchase and CRM.COM reverses its award and spend', async () => {
      const { purchaseNumber } = await posted('BO-void');
      expect(await wallet()).toBe(510);
      const { ctx, records } = callContext('BO-void');
      await expect(adapter().voidPurchase(ctx, { purchaseNumber })).resolves.toEqual({ alreadyVoided: false });
      expect(records).toEqual([expect.objectContaining({ operation: 'purchases.cancel', outcome: 'success', vendorReference: purchaseNumber })]);
      expect(await wallet()).toBe(1000);
      expect(await effects('BO-void')).toEqual(['purchase.create 0.10', 'spend.create 5.00', 'spend.cancel 5.00', 'purchase.cancel 0.10']);
    });

    it('treats a purchase already cancelled as done', async () => {
      const { purchaseNumber } = await posted('BO-void2');
      await adapter().voidPurchase(callContext('BO-void2').ctx, { purchaseNumber });
      const { ctx, records } = callContext('BO-void2');
      await expect(adapter().voidPurchase(ctx, { purchaseNumber })).resolves.toEqual({ alreadyVoided: true });
      expect(records[0]).toMatchObject({ outcome: 'success', httpStatus: 400 });
      expect((await effects('BO-void2')).filter((e) => e.startsWith('purchase.cancel'))).toHaveLength(1);
    });

    it('treats an unknown purchase (NOTFOUNDEXCEPTION) as done', async () => {
      await expect(adapter().voidPurchase(callContext('BO-void-unknown').ctx, { purchaseNumber: crmcomPurchaseId('BO-void-unknown') })).resolves.toEqual({
        alreadyVoided: true,
      });
    });

    it('reports a 429 as VendorUnavailable, and the next attempt cancels once', async () => {
      const { purchaseNumber } = await posted('BO-void429');
      await inject({ path: `${PREFIX}/purchases/${purchaseNumber}/cancel`, kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
      const error = await failureOf(adapter().voidPurchase(callContext('BO-void429').ctx, { purchaseNumber }));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable, nextRetryDelay: 1000 });
      await expect(adapter().voidPurchase(callContext('BO-void429', 2).ctx, { purchaseNumber })).resolves.toEqual({ alreadyVoided: false });
      expect((await effects('BO-void429')).filter((e) => e.startsWith('purchase.cancel'))).toHaveLength(1);
    });

    it('resolves a lost cancel reply on attempt 2 as already cancelled: one cancel', async () => {
      const { purchaseNumber } = await posted('BO-void-lost');
      await inject({ path: `${PREFIX}/purchases/${purchaseNumber}/cancel`, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const error = await failureOf(adapter({ timeoutMs: 300 }).voidPurchase(callContext('BO-void-lost').ctx, { purchaseNumber }));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable });
      await expect(adapter({ timeoutMs: 300 }).voidPurchase(callContext('BO-void-lost', 2).ctx, { purchaseNumber })).resolves.toEqual({ alreadyVoided: true });
      expect((await effects('BO-void-lost')).filter((e) => e.includes('.cancel'))).toEqual(['spend.cancel 5.00', 'purchase.cancel 0.10']);
    });
  });

  describe('synchroniseProducts', () => {
    const batch = (prefix: string) => [
      { code: `${prefix}-1`, description: 'Still water', familyCode: 'DRINKS' },
      { code: `${prefix}-2`, alternativeCode: 'ALT-2', brandCode: 'HOUSE' },
    ];
    const syncPath = `${PREFIX}/synchronise_products`;

    /** The process's status until it is done (the sandbox runs it 0.5 s after accepting it). */
    const finished = (processId: string) =>
      eventually(() => adapter().syncProcess(callContext('BO-sync-status').ctx, processId), (s) => s.done === true, { timeoutMs: 5000, intervalMs: 100 });

    it('sends the batch and gets only a process id back; the process reports each product, which can then be sold', async () => {
      const { ctx, records } = callContext('BO-sync');
      const result = await adapter().synchroniseProducts(ctx, batch('SYNC-A'));
      // Nothing is processed yet: the guide's answer is "a unique process id ... for monitoring the progress".
      expect(result).toEqual({ processed: [], unprocessed: [], processId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(records).toEqual([expect.objectContaining({ operation: 'products.synchronise', outcome: 'success', vendorReference: result.processId })]);
      const running = callContext('BO-sync-running');
      await expect(adapter().syncProcess(running.ctx, result.processId!)).resolves.toEqual({ done: false });
      expect(running.records).toEqual([expect.objectContaining({ operation: 'products.synchronise.status', outcome: 'success', vendorReference: result.processId })]);
      await expect(finished(result.processId!)).resolves.toEqual({
        done: true,
        processed: [{ code: 'SYNC-A-1', vendorId: expect.any(String) }, { code: 'SYNC-A-2', vendorId: expect.any(String) }],
        unprocessed: [],
      });
      expect(await effects('SYNC-A-')).toEqual(['products.synchronise', 'products.synchronise']);
      await expect(adapter().submitPurchase(callContext('BO-sold').ctx, john, purchaseOf(line('SYNC-A-1', 500)))).resolves.toMatchObject({ awardedMinor: 5 });
    });

    it("reports a product naming an unknown family unprocessed with CRM.COM's error, the others processed", async () => {
      const result = await adapter().synchroniseProducts(callContext('BO-sync-fam').ctx, [{ code: 'SYNC-F-1', familyCode: 'Iced Coffee' }, { code: 'SYNC-F-2' }]);
      await expect(finished(result.processId!)).resolves.toEqual({
        done: true,
        processed: [{ code: 'SYNC-F-2', vendorId: expect.any(String) }],
        unprocessed: [{ code: 'SYNC-F-1', errorCode: 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION', errorDescription: expect.stringContaining('Iced Coffee') }],
      });
      expect(await effects('SYNC-F-')).toEqual(['products.synchronise']);
    });

    it('refuses the status of a process CRM.COM never gave with the documented not-found error', async () => {
      const error = await failureOf(adapter().syncProcess(callContext('BO-sync-unknown').ctx, '00000000-0000-4000-8000-000000000000'));
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: E.notFound })] });
    });

    it('refuses more than 1,000 products before calling CRM.COM', async () => {
      const { ctx, records } = callContext('BO-sync-big');
      const many = Array.from({ length: 1001 }, (_, i) => ({ code: `BIG-${i}` }));
      const error = await failureOf(adapter().synchroniseProducts(ctx, many));
      expect(error).toMatchObject({ type: 'CatalogueBatchTooLarge', nonRetryable: true, message: expect.stringContaining('at most 1000') });
      expect(records).toEqual([]);
      expect(await effects('BIG-')).toEqual([]);
    });

    it('does not call CRM.COM for an empty batch', async () => {
      const { ctx, records } = callContext('BO-sync-none');
      await expect(adapter().synchroniseProducts(ctx, [])).resolves.toEqual({ processed: [], unprocessed: [] });
      expect(records).toEqual([]);
    });

    it('reports a 503 as VendorUnavailable, and the next attempt synchronises once', async () => {
      await inject({ path: syncPath, kind: 'status', status: 503, times: 1 });
      await expect(failureOf(adapter().synchroniseProducts(callContext('BO-sync503').ctx, batch('SYNC-B')))).resolves.toMatchObject({ type: FailureTypes.vendorUnavailable });
      const { processId } = await adapter().synchroniseProducts(callContext('BO-sync503', 2).ctx, batch('SYNC-B'));
      await finished(processId!);
      expect(await effects('SYNC-B-')).toHaveLength(2);
    });

    it('re-sends the batch after a lost reply and the upsert applies each product once', async () => {
      await inject({ path: syncPath, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
      const error = await failureOf(adapter({ timeoutMs: 300 }).synchroniseProducts(callContext('BO-sync-lost').ctx, batch('SYNC-C')));
      expect(error).toMatchObject({ type: FailureTypes.vendorUnavailable });
      const { processId } = await adapter({ timeoutMs: 300 }).synchroniseProducts(callContext('BO-sync-lost', 2).ctx, batch('SYNC-C'));
      await expect(finished(processId!)).resolves.toMatchObject({ done: true, unprocessed: [] });
      expect(await effects('SYNC-C-')).toEqual(['products.synchronise', 'products.synchronise']);
    });
  });
});
