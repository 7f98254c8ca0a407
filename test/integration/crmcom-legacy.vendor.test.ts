import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import request from 'supertest';
import { CrmcomLegacyVendor, LOOKUP_MAX_CALLS, OUTCOME_UNKNOWN, createCrmcomLegacyVendor } from '../../activities/vendors/crmcom-legacy.vendor';
import { loadConfig } from '../../core/config/app-config';
import { FailureTypes } from '../../workflows/checkout.contract';
import { CRMCOM_SANDBOX_BACK_END_CODE, CRMCOM_SANDBOX_WEB_API_KEY } from '../../src/sandbox/crmcom-legacy.sandbox';
import type { FaultSpec } from '../../src/sandbox/sandbox-faults';
import { injectFault, journalOf } from '../support/journal';
import { sandboxForFile } from '../support/sandbox-server';
import { callContext, recordedCalls, stepIntents } from '../support/vendor-calls';

const API = '/crmcom/crmapi/rest/v2';
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../fixtures/crmcom-legacy', `${name}.json`), 'utf8'));

/** The CRM.COM legacy adapter against the sandbox over real HTTP. */
describe(CrmcomLegacyVendor.name, () => {
  const sandbox = sandboxForFile();
  const baseUrl = () => `${sandbox.url}${API}`;

  const adapter = (overrides: Partial<{ baseUrl: string; webApiKey: string; timeoutMs: number; syncDefinition: string }> = {}) =>
    new CrmcomLegacyVendor({ baseUrl: baseUrl(), webApiKey: CRMCOM_SANDBOX_WEB_API_KEY, unitName: 'Unit', timeoutMs: 1000, ...overrides });
  const purchase = {
    performedOn: '2026-11-21T10:00:00Z',
    externalSystem: 'T1',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }],
  };
  const journal = (reference: string) => journalOf(sandbox.url, reference);
  const journalCount = async (reference: string) => (await journal(reference)).length;
  const effects = async (reference: string) => (await journal(reference)).map((e) => `${e.effect} ${e.amount ?? ''}`.trim());
  const inject = (fault: FaultSpec) => injectFault(sandbox.url, fault);
  const lostReply = (path: string) => inject({ path: `${API}/${path}`, kind: 'apply_then_timeout', latencyMs: 1500, times: 1 });
  const customerOf = (vendor: CrmcomLegacyVendor) => vendor.identify(callContext('R-identify').ctx, { type: 'code', value: '22265577' });
  const unavailable = { type: FailureTypes.vendorUnavailable, nonRetryable: false };
  const outcomeUnknown = { type: OUTCOME_UNKNOWN, nonRetryable: true };
  /** Tries of one step sharing their effect intents (test/support/vendor-calls.ts's stepIntents). */
  const stepTries = (reference: string) => {
    const intents = stepIntents();
    return (attempt: number) => callContext(reference, attempt, 'EUR', intents);
  };

  describe('identify', () => {
    it('identifies the document participant 22265577 with wallet balance 10.00', async () => {
      const { ctx, records } = callContext('R-identify');
      const customer = await adapter().identify(ctx, { type: 'code', value: '22265577' });
      expect(customer).toEqual({ accountNumber: '400', walletBalanceMinor: 1000 });
      expect(records).toEqual([expect.objectContaining({ operation: 'rewards_participants.show', outcome: 'success', httpStatus: 200, vendorReference: '400' })]);
    });

    it('classifies an unknown participant as a business rejection that is not retried', async () => {
      const { ctx, records } = callContext('R-unknown');
      const error = await adapter().identify(ctx, { type: 'code', value: 'nope' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, nonRetryable: true });
      expect(records[0]).toMatchObject({ outcome: 'rejected', errorCode: 'NotFoundAPIValueException' });
    });

    it('reports an injected 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      const vendor = adapter();
      await inject({ path: `${API}/rewards_participants/show`, kind: 'status', status: 503, times: 1 });
      await expect(customerOf(vendor)).rejects.toMatchObject(unavailable);
      await expect(customerOf(vendor)).resolves.toMatchObject({ accountNumber: '400' });
    });

    it('renews a token CRM.COM no longer accepts and repeats the call once', async () => {
      const vendor = adapter();
      await vendor.identify(callContext('R-t1').ctx, { type: 'code', value: '22265577' });
      await request(sandbox.url).post('/_sandbox/crmcom/expire-tokens').expect(200);
      const { ctx, records } = callContext('R-t2');
      await expect(vendor.identify(ctx, { type: 'code', value: '22265577' })).resolves.toMatchObject({ accountNumber: '400' });
      expect(records.map((r) => [r.outcome, r.errorCode ?? null])).toEqual([
        ['rejected', 'InvalidTokenException'],
        ['success', null],
      ]);
    });

    it('reports an unreachable vendor as retryable VendorUnavailable', async () => {
      const { ctx, records } = callContext('R-down');
      const error = await adapter({ baseUrl: 'http://127.0.0.1:9/crmapi/rest/v2' })
        .identify(ctx, { type: 'code', value: '22265577' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject(unavailable);
      // The token request itself failed, before any business call: nothing to audit yet.
      expect(records).toEqual([]);
    });

    it('refuses a wrong Web API key', async () => {
      const error = await adapter({ webApiKey: 'wrong' })
        .identify(callContext('R-key').ctx, { type: 'code', value: '22265577' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'AuthenticationException' })] });
    });

    it('is built from configuration by createCrmcomLegacyVendor', async () => {
      const vendor = createCrmcomLegacyVendor(loadConfig({ APP_ENV: 'test', CRMCOM_BASE_URL: baseUrl() }));
      await expect(customerOf(vendor)).resolves.toEqual({ accountNumber: '400', walletBalanceMinor: 1000 });
    });
  });

  describe('preview', () => {
    it('maps the award, the automatic spend and the most the customer may additionally spend', async () => {
      const vendor = adapter();
      const { ctx, records } = callContext('R-preview');
      const preview = await vendor.preview(ctx, await customerOf(vendor), purchase);
      // 1 % of 10.00 awarded; 7.90 is the sandbox rule's maximum spend out of the 10.00 wallet.
      expect(preview).toEqual({ awardMinor: 10, automaticSpendMinor: 0, maxAdditionalSpendMinor: 790, reductionMethod: 'front_end' });
      expect(records).toEqual([expect.objectContaining({ operation: 'purchases.preview', outcome: 'success', amountMinor: 10 })]);
      expect(await journalCount('R-preview')).toBe(0);
    });

    it("carries the preview's BACK_END_REDUCTION as back_end, with the spend CRM.COM will take by itself", async () => {
      const vendor = adapter();
      const customer = await vendor.identify(callContext('R-preview-be').ctx, { type: 'code', value: CRMCOM_SANDBOX_BACK_END_CODE });
      expect(customer).toEqual({ accountNumber: '401', walletBalanceMinor: 2000 });
      const preview = await vendor.preview(callContext('R-preview-be').ctx, customer, purchase);
      expect(preview).toEqual({ awardMinor: 10, automaticSpendMinor: 500, maxAdditionalSpendMinor: 790, reductionMethod: 'back_end' });
    });

    it('refuses a preview for an account CRM.COM does not know', async () => {
      const error = await adapter()
        .preview(callContext('R-preview-unknown').ctx, { accountNumber: '999', walletBalanceMinor: 0 }, purchase)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'NotFoundAPIValueException' })] });
    });

    it('reports an injected 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      await inject({ path: `${API}/customer_events/purchases/preview`, kind: 'status', status: 503, times: 1 });
      await expect(vendor.preview(callContext('R-pv', 1).ctx, customer, purchase)).rejects.toMatchObject(unavailable);
      await expect(vendor.preview(callContext('R-pv', 2).ctx, customer, purchase)).resolves.toMatchObject({ awardMinor: 10 });
    });
  });

  describe('submitPurchase', () => {
    it('submits a purchase and, on a retried attempt, finds it by reference instead of posting again', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      const first = await vendor.submitPurchase(callContext('R-lost-reply', 1).ctx, customer, purchase);
      expect(first).toEqual({ purchaseNumber: expect.any(String), awardedMinor: 10, automaticSpendMinor: 0 });

      // Attempt 2 after a lost reply: the purchase exists, so no second effect.
      const retry = callContext('R-lost-reply', 2);
      const second = await vendor.submitPurchase(retry.ctx, customer, purchase);
      expect(second).toEqual(first);
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.create (recovered)']);
      expect(await journalCount('R-lost-reply')).toBe(1);
    });

    it('posts on a retried attempt when the first one never reached CRM.COM', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      const retry = callContext('R-never-arrived', 2);
      await vendor.submitPurchase(retry.ctx, customer, purchase);
      expect(retry.records.map((r) => r.operation)).toEqual(['purchases.list', 'purchases.create']);
      expect(await journalCount('R-never-arrived')).toBe(1);
    });

    it('spends against the purchase and returns the amount CRM.COM approved, not the amount asked', async () => {
      const vendor = adapter();
      const { ctx, records } = callContext('R-spend');
      const result = await vendor.submitPurchase(ctx, await customerOf(vendor), purchase, 1000);
      expect(result).toEqual({
        purchaseNumber: '111',
        awardedMinor: 10,
        automaticSpendMinor: 0,
        spend: { spendNumber: '294', requestedMinor: 1000, approvedMinor: 790 },
      });
      expect(records.map((r) => [r.operation, r.outcome, r.vendorReference, r.amountMinor])).toEqual([
        ['purchases.create', 'success', '111', 10],
        ['spend_requests.create', 'success', '294', 790],
      ]);
      expect(await effects('R-spend')).toEqual(['purchase.create 0.10', 'spend.create 7.90']);
      expect((await customerOf(vendor)).walletBalanceMinor).toBe(1000 + 10 - 790);
    });

    it('approves a spend within the rules in full', async () => {
      const vendor = adapter();
      const result = await vendor.submitPurchase(callContext('R-spend-5').ctx, await customerOf(vendor), purchase, 500);
      expect(result.spend).toEqual({ spendNumber: '294', requestedMinor: 500, approvedMinor: 500 });
    });

    it('keeps the purchase when CRM.COM refuses the spend, with approvedMinor 0 and the refusal', async () => {
      const vendor = adapter();
      const { ctx, records } = callContext('R-spend-refused');
      const result = await vendor.submitPurchase(ctx, await customerOf(vendor), purchase, 50);
      expect(result).toEqual({
        purchaseNumber: '111',
        awardedMinor: 10,
        automaticSpendMinor: 0,
        spend: {
          spendNumber: null,
          requestedMinor: 50,
          approvedMinor: 0,
          refusal: { code: 'SpendNotAllowedException', reason: expect.stringContaining('at least 1.00') },
        },
      });
      expect(records[1]).toMatchObject({ operation: 'spend_requests.create', outcome: 'rejected', errorCode: 'SpendNotAllowedException' });
      expect(await effects('R-spend-refused')).toEqual(['purchase.create 0.10']);
    });

    it("reads the spent amount from the document sample's total_number when total_amount is absent", async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      await inject({ path: `${API}/customer_events/spend_requests/create`, kind: 'status', status: 200, body: fixture('spend-requests-create.response'), times: 1 });
      const result = await vendor.submitPurchase(callContext('R-total-number').ctx, customer, purchase, 1000);
      expect(result.spend).toEqual({ spendNumber: '294', requestedMinor: 1000, approvedMinor: 790 });
    });

    it('sends a spend again after a 503 (CRM.COM answered "not done", so the intent is cleared): spent once', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      const tries = stepTries('R-spend-503');
      await inject({ path: `${API}/customer_events/spend_requests/create`, kind: 'status', status: 503, times: 1 });
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase, 1000)).rejects.toMatchObject(unavailable);
      const retry = tries(2);
      const result = await vendor.submitPurchase(retry.ctx, customer, purchase, 1000);
      expect(result.spend?.approvedMinor).toBeGreaterThan(0);
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.create (recovered)', 'spend_requests.create']);
      expect(retry.records[2]).toMatchObject({ outcome: 'success' });
      expect((await effects('R-spend-503')).filter((e) => e.startsWith('spend.create'))).toHaveLength(1);
    });

    it('sends a spend whose reply was lost at most once: the retry fails OUTCOME_UNKNOWN instead of spending twice', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const customer = await customerOf(vendor);
      const tries = stepTries('R-spend-lost');
      await lostReply('customer_events/spend_requests/create');
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase, 1000)).rejects.toMatchObject(unavailable);
      const retry = tries(2);
      const error = await vendor.submitPurchase(retry.ctx, customer, purchase, 1000).catch((e: unknown) => e);
      expect(error).toMatchObject({ ...outcomeUnknown, message: expect.stringContaining('not sent again') });
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.create (recovered)', 'spend_requests.create']);
      expect(await effects('R-spend-lost')).toEqual(['purchase.create 0.10', 'spend.create 7.90']);
    });

    it('takes a spend answered OK without data as unreadable, not as a refusal: the till gives no refusal for money CRM.COM may have taken', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      const tries = stepTries('R-spend-ok-no-data');
      await inject({ path: `${API}/customer_events/spend_requests/create`, kind: 'status', status: 200, body: { status: { code: 'OK' }, data: null }, times: 1 });
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase, 1000)).rejects.toMatchObject(unavailable);
      // The intent stands (CRM.COM said OK): the retry does not spend again, and tells ops and finance.
      await expect(vendor.submitPurchase(tries(2).ctx, customer, purchase, 1000)).rejects.toMatchObject(outcomeUnknown);
    });

    it('resolves a lost purchase reply on attempt 2 and then spends once', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const customer = await customerOf(vendor);
      const tries = stepTries('R-purchase-lost');
      await lostReply('customer_events/purchases/create');
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase, 1000)).rejects.toMatchObject(unavailable);
      const retry = tries(2);
      const result = await vendor.submitPurchase(retry.ctx, customer, purchase, 1000);
      expect(result).toMatchObject({ purchaseNumber: '111', spend: { spendNumber: '294', approvedMinor: 790 } });
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.create (recovered)', 'spend_requests.create']);
      expect(await effects('R-purchase-lost')).toEqual(['purchase.create 0.10', 'spend.create 7.90']);
    });

    it('finds a purchase whose reply was lost although CRM.COM ignores the undocumented reference filter: one purchase', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const customer = await customerOf(vendor);
      // Another sale's purchase first: the oldest one, which is what an ignored filter lists first.
      await vendor.submitPurchase(callContext('R-other-sale').ctx, customer, purchase);
      const tries = stepTries('R-filter-ignored');
      await lostReply('customer_events/purchases/create');
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase)).rejects.toMatchObject(unavailable);
      const retry = tries(2);
      await expect(vendor.submitPurchase(retry.ctx, customer, purchase)).resolves.toMatchObject({ purchaseNumber: '112' });
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.create (recovered)']);
      expect(await effects('R-filter-ignored')).toEqual(['purchase.create 0.10']);
    });

    it('finds its purchase at the end of a long list (oldest first, filter ignored), and rules one out by reading back to the start', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const customer = await customerOf(vendor);
      for (let i = 0; i < 130; i++) await vendor.submitPurchase(callContext(`R-older-${i}`).ctx, customer, purchase);
      const tries = stepTries('R-long-found');
      await lostReply('customer_events/purchases/create');
      await expect(vendor.submitPurchase(tries(1).ctx, customer, purchase)).rejects.toMatchObject(unavailable);
      const retry = tries(2);
      await expect(vendor.submitPurchase(retry.ctx, customer, purchase)).resolves.toMatchObject({ purchaseNumber: '241' });
      // Page 0, then probes at 50 and 100 for the list's end: the last page (31 left) holds ours.
      expect(recordedCalls(retry.records)).toEqual(['purchases.list', 'purchases.list', 'purchases.list', 'purchases.create (recovered)']);
      expect(await effects('R-long-found')).toEqual(['purchase.create 0.10']);

      // 161 purchases: probes at 50 and 100 are full, 200 is empty, halving finds the end (175, 162, 156).
      for (let i = 130; i < 160; i++) await vendor.submitPurchase(callContext(`R-older-${i}`).ctx, customer, purchase);
      const never = callContext('R-long-never', 2);
      await expect(vendor.submitPurchase(never.ctx, customer, purchase)).resolves.toMatchObject({ purchaseNumber: '272' });
      // Page 0, probes 50, 100, 200, halving 175, 162, 156 (end 161), then back to the start: 111, 61, 11, 0.
      const offsets = never.records.filter((r) => r.operation === 'purchases.list').map((r) => (r.requestExcerpt as { offset: number }).offset);
      expect(offsets).toEqual([0, 50, 100, 200, 175, 162, 156, 111, 61, 11, 0]);
      expect(recordedCalls(never.records).at(-1)).toBe('purchases.create');
      expect(await effects('R-long-never')).toEqual(['purchase.create 0.10']);
    });

    it('does not post again when the list is too long to rule the purchase out: OUTCOME_UNKNOWN', async () => {
      const vendor = adapter();
      const customer = await customerOf(vendor);
      // Every page full of other sales' purchases: a vendor ignoring the filter, with a long history.
      const others = Array.from({ length: 50 }, (_, i) => ({ number: String(9000 + i), reference_number: `other-${i}`, total_awarded_amount: 0.1 }));
      const fullPage = { data: others, status: { code: 'OK', message: null, description: null } };
      await inject({ path: `${API}/customer_events/purchases/list`, kind: 'status', status: 200, body: fullPage, times: LOOKUP_MAX_CALLS });
      const retry = callContext('R-list-long', 2);
      await expect(vendor.submitPurchase(retry.ctx, customer, purchase)).rejects.toMatchObject(outcomeUnknown);
      expect(retry.records.filter((r) => r.operation === 'purchases.list')).toHaveLength(LOOKUP_MAX_CALLS);
      expect(retry.records.at(-1)).toMatchObject({ operation: 'purchases.create', outcome: 'unknown', errorCode: 'OUTCOME_UNKNOWN' });
      expect(await journalCount('R-list-long')).toBe(0);
    });

    it('on a back-end-reduction account, CRM.COM takes the automatic spend itself with the purchase (a payout)', async () => {
      const vendor = adapter();
      const customer = await vendor.identify(callContext('R-be').ctx, { type: 'code', value: CRMCOM_SANDBOX_BACK_END_CODE });
      const result = await vendor.submitPurchase(callContext('R-be').ctx, customer, purchase);
      expect(result).toEqual({ purchaseNumber: '111', awardedMinor: 10, automaticSpendMinor: 500 });
      expect(await effects('R-be')).toEqual(['purchase.create 0.10', 'spend.payout 5.00']);
    });
  });

  describe('findPurchase', () => {
    it('finds the purchase posted under the reference; its spend is not looked up (no documented call)', async () => {
      const vendor = adapter();
      await vendor.submitPurchase(callContext('R-find').ctx, await customerOf(vendor), purchase, 1000);
      const { ctx, records } = callContext('R-find');
      await expect(vendor.findPurchase(ctx)).resolves.toEqual({ purchaseNumber: '111', spendNumber: null });
      expect(records.map((r) => r.operation)).toEqual(['purchases.list']);
    });

    it('answers undefined when nothing was posted under the reference', async () => {
      const { ctx, records } = callContext('R-find-none');
      await expect(adapter().findPurchase(ctx)).resolves.toBeUndefined();
      expect(records.map((r) => r.operation)).toEqual(['purchases.list']);
    });

    it('reports an injected 503 as VendorUnavailable and succeeds on the next attempt', async () => {
      const vendor = adapter();
      await vendor.submitPurchase(callContext('R-find-503').ctx, await customerOf(vendor), purchase);
      await inject({ path: `${API}/customer_events/purchases/list`, kind: 'status', status: 503, times: 1 });
      await expect(vendor.findPurchase(callContext('R-find-503').ctx)).rejects.toMatchObject(unavailable);
      await expect(vendor.findPurchase(callContext('R-find-503').ctx)).resolves.toEqual({ purchaseNumber: '111', spendNumber: null });
    });
  });

  describe('voidPurchase', () => {
    const submitted = async (vendor: CrmcomLegacyVendor, reference: string) =>
      vendor.submitPurchase(callContext(reference).ctx, await customerOf(vendor), purchase, 1000);

    it('cancels the spend first, then the purchase, and gives the wallet back its balance', async () => {
      const vendor = adapter();
      const posted = await submitted(vendor, 'R-void');
      const { ctx, records } = callContext('R-void');
      const result = await vendor.voidPurchase(ctx, { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber });
      expect(result).toEqual({ alreadyVoided: false });
      expect(records.map((r) => [r.operation, r.outcome, r.vendorReference])).toEqual([
        ['spend_requests.cancel', 'success', '294'],
        ['purchases.cancel', 'success', '111'],
      ]);
      expect(await effects('R-void')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
      expect((await customerOf(vendor)).walletBalanceMinor).toBe(1000);
    });

    it('cancels only the purchase when no spend number is given; its spend follows it (vendors.md §5)', async () => {
      const vendor = adapter();
      const posted = await submitted(vendor, 'R-void-find');
      const { ctx, records } = callContext('R-void-find');
      await vendor.voidPurchase(ctx, { purchaseNumber: posted.purchaseNumber, spendNumber: null });
      expect(records.map((r) => r.operation)).toEqual(['purchases.cancel']);
      expect(await effects('R-void-find')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
    });

    it('treats a purchase CRM.COM does not know as already voided', async () => {
      const { ctx, records } = callContext('R-void-unknown');
      await expect(adapter().voidPurchase(ctx, { purchaseNumber: '999', spendNumber: null })).resolves.toEqual({ alreadyVoided: true });
      expect(records.map((r) => [r.operation, r.outcome])).toEqual([['purchases.cancel', 'success']]);
    });

    it('treats an already cancelled purchase and spend as done, without a second effect', async () => {
      const vendor = adapter();
      const posted = await submitted(vendor, 'R-void-twice');
      const target = { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber };
      await vendor.voidPurchase(callContext('R-void-twice').ctx, target);
      await expect(vendor.voidPurchase(callContext('R-void-twice').ctx, target)).resolves.toEqual({ alreadyVoided: true });
      expect(await effects('R-void-twice')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
    });

    it('reports a 503 on the purchase cancel as VendorUnavailable; the retry cancels once', async () => {
      const vendor = adapter();
      const posted = await submitted(vendor, 'R-void-503');
      const target = { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber };
      await inject({ path: `${API}/customer_events/purchases/cancel`, kind: 'status', status: 503, times: 1 });
      await expect(vendor.voidPurchase(callContext('R-void-503', 1).ctx, target)).rejects.toMatchObject(unavailable);
      await expect(vendor.voidPurchase(callContext('R-void-503', 2).ctx, target)).resolves.toEqual({ alreadyVoided: false });
      expect(await effects('R-void-503')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
    });

    it('resolves a lost spend-cancel reply on attempt 2: the spend is already cancelled, the purchase follows', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const posted = await submitted(vendor, 'R-void-lost-spend');
      const target = { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber };
      await lostReply('customer_events/spend_requests/cancel');
      await expect(vendor.voidPurchase(callContext('R-void-lost-spend', 1).ctx, target)).rejects.toMatchObject(unavailable);
      await expect(vendor.voidPurchase(callContext('R-void-lost-spend', 2).ctx, target)).resolves.toEqual({ alreadyVoided: false });
      expect(await effects('R-void-lost-spend')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
    });

    it('resolves a lost purchase-cancel reply on attempt 2 as already voided, with one cancel', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      const posted = await submitted(vendor, 'R-void-lost');
      const target = { purchaseNumber: posted.purchaseNumber, spendNumber: posted.spend?.spendNumber };
      await lostReply('customer_events/purchases/cancel');
      await expect(vendor.voidPurchase(callContext('R-void-lost', 1).ctx, target)).rejects.toMatchObject(unavailable);
      await expect(vendor.voidPurchase(callContext('R-void-lost', 2).ctx, target)).resolves.toEqual({ alreadyVoided: true });
      expect(await effects('R-void-lost')).toEqual(['purchase.create 0.10', 'spend.create 7.90', 'spend.cancel 7.90', 'purchase.cancel 0.10']);
    });
  });

  describe('synchroniseProducts', () => {
    const products = [
      { code: 'Orange Cookie', alternativeCode: '10021', description: 'Cookie with orange cream' },
      { code: 'Iced Caramel Latte', alternativeCode: '20071', description: 'Latte with caramel syrup', familyCode: 'Iced Coffee' },
    ];

    it('returns partial success as a result: processed products with their ids, unprocessed ones with the error', async () => {
      const { ctx, records } = callContext('R-sync');
      const result = await adapter().synchroniseProducts(ctx, products);
      expect(result).toEqual({
        processed: [{ code: 'Orange Cookie', vendorId: expect.stringMatching(/^[0-9A-F]{32}$/) }],
        unprocessed: [
          {
            code: 'Iced Caramel Latte',
            errorCode: 'NotFoundAPIValueException',
            errorDescription: 'Error:Product Family (Iced Coffee) Not Found. - Description:The specified API value was not found.',
          },
        ],
      });
      expect(records).toEqual([expect.objectContaining({ operation: 'products.synchronise', outcome: 'success' })]);
      expect(await effects('Orange Cookie')).toEqual(['product.create']);
    });

    it('updates a product CRM.COM already has under the same id', async () => {
      const result = await adapter().synchroniseProducts(callContext('R-sync-update').ctx, [{ code: 'Soft Drinks', description: 'Cold drinks' }]);
      expect(result).toEqual({ processed: [{ code: 'Soft Drinks', vendorId: '5A0C3F1E2B7D4C6A9E8F1D2C3B4A5968' }], unprocessed: [] });
      expect(await effects('Soft Drinks')).toEqual(['product.update']);
    });

    it('refuses more than 1,000 products before calling CRM.COM', async () => {
      const { ctx, records } = callContext('R-sync-big');
      const many = Array.from({ length: 1001 }, (_, i) => ({ code: `P${i}` }));
      const error = await adapter().synchroniseProducts(ctx, many).catch((e: unknown) => e);
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'TooManyProducts' })] });
      expect(records).toEqual([]);
    });

    it('refuses an unknown synchronisation definition', async () => {
      const error = await adapter({ syncDefinition: 'Nope' }).synchroniseProducts(callContext('R-sync-def').ctx, products).catch((e: unknown) => e);
      expect(error).toMatchObject({ type: FailureTypes.vendorRejection, details: [expect.objectContaining({ code: 'NotFoundAPIValueException' })] });
    });

    it('reports a 429 as VendorUnavailable and succeeds on the next attempt with one effect', async () => {
      const vendor = adapter();
      await inject({ path: `${API}/products/synchronise`, kind: 'rate_limit', retryAfterSeconds: 1, times: 1 });
      await expect(vendor.synchroniseProducts(callContext('R-sync-429', 1).ctx, products)).rejects.toMatchObject({ ...unavailable, nextRetryDelay: 1000 });
      await expect(vendor.synchroniseProducts(callContext('R-sync-429', 2).ctx, products)).resolves.toMatchObject({ processed: [{ code: 'Orange Cookie' }] });
      expect(await effects('Orange Cookie')).toEqual(['product.create']);
    });

    it('resolves a lost reply by sending the batch again: the upsert changes nothing the second time', async () => {
      const vendor = adapter({ timeoutMs: 300 });
      await lostReply('products/synchronise');
      await expect(vendor.synchroniseProducts(callContext('R-sync-lost', 1).ctx, products)).rejects.toMatchObject(unavailable);
      const retry = await vendor.synchroniseProducts(callContext('R-sync-lost', 2).ctx, products);
      expect(retry.processed).toEqual([{ code: 'Orange Cookie', vendorId: expect.any(String) }]);
      expect(await effects('Orange Cookie')).toEqual(['product.create']);
    });
  });
});
