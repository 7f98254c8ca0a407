import { CRMCOM_INVALID_VALUE, syncProcessStatus } from '../../activities/vendors/crmcom-backoffice-envelope';
import { DEFAULT_SPEND_SECRET_FIELDS, carriesSpendSecret, purchaseBody, refusedSpendSecret } from '../../activities/vendors/crmcom-backoffice-purchase';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { redact } from '../../activities/vendors/redact';
import { redactPaths } from '../../activities/vendors/vendor-http';
import { CRMCOM_PURCHASE_BODY_FIELDS, loadConfig } from '../../core/config/app-config';

const ctx = { reference: 'demo:S1:T1:R1', currency: 'EUR' } as VendorCallContext;
const customer = { accountNumber: 'contact-1', walletBalanceMinor: 1000 };
const purchase = { performedOn: '2026-11-21T10:00:00Z', externalSystem: 'T1', lines: [{ sku: 'Soft Drinks', quantity: 1, totalMinor: 1000, netMinor: 800, vatMinor: 200 }] };

describe('CRM.COM back-office purchase body', () => {
  it('spells the reduction method as the API does and sends the secrets only with a spend, where the fields say', () => {
    const withSecrets = { ...purchase, spendOtp: '123456', spendPassCode: '2468' };
    expect(purchaseBody(ctx, { id: 'p1', customer, purchase: withSecrets, spendMinor: 500 }, 'back_end', DEFAULT_SPEND_SECRET_FIELDS)).toMatchObject({
      reduction_method: 'BACK_END',
      spend_request: { amount: 5, otp: '123456', pass_code: '2468' },
    });
    const elsewhere = purchaseBody(ctx, { id: 'p1', customer, purchase: withSecrets, spendMinor: 500 }, 'front_end', { otp: 'otp', passCode: 'auth.pin' });
    expect(elsewhere).toMatchObject({ reduction_method: 'FRONT_END', otp: '123456', auth: { pin: '2468' }, spend_request: { amount: 5 } });
    // No spend, or the re-post without it: nothing to authorise, so no secret leaves.
    for (const body of [
      purchaseBody(ctx, { id: 'p1', customer, purchase: withSecrets }, 'front_end', DEFAULT_SPEND_SECRET_FIELDS),
      purchaseBody(ctx, { id: 'p1', customer, purchase: withSecrets, spendMinor: 500 }, 'front_end', DEFAULT_SPEND_SECRET_FIELDS, { withSpend: false }),
    ]) {
      expect(JSON.stringify(body)).not.toMatch(/123456|2468|spend_request/);
    }
    expect(carriesSpendSecret(withSecrets, 500)).toBe(true);
    expect(carriesSpendSecret(withSecrets, 0)).toBe(false);
    expect(carriesSpendSecret(purchase, 500)).toBe(false);
  });

  it("tells a refusal of the spend's secret (invalid value naming its field) from the purchase's own", () => {
    const refusal = (parameters: string[], error = CRMCOM_INVALID_VALUE) => ({ status: 400, error, parameters });
    expect(refusedSpendSecret(refusal(['spend_request.otp']), DEFAULT_SPEND_SECRET_FIELDS)).toBe('otp');
    expect(refusedSpendSecret(refusal(['spend_request.pass_code']), DEFAULT_SPEND_SECRET_FIELDS)).toBe('passCode');
    expect(refusedSpendSecret(refusal(['currency_code', 'USD']), DEFAULT_SPEND_SECRET_FIELDS)).toBeUndefined();
    expect(refusedSpendSecret(refusal(['spend_request.otp'], 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION'), DEFAULT_SPEND_SECRET_FIELDS)).toBeUndefined();
  });
});

describe('CRM.COM back-office synchronisation process', () => {
  it('is unknown at any status it does not know (or none), naming it, so nothing waits 24 h on it', () => {
    expect(syncProcessStatus({ id: 'x' })).toEqual({ done: 'unknown', reason: 'CRM.COM process status none (not one we know)' });
    expect(syncProcessStatus({ id: 'x', status: 'FAILED' })).toEqual({ done: 'unknown', reason: 'CRM.COM process status FAILED (not one we know)' });
    expect(syncProcessStatus({ id: 'x', status: 'x\n"y"' })).toEqual({ done: 'unknown', reason: 'CRM.COM process status x??y? (not one we know)' });
  });

  it('is done only at COMPLETED, with each product under its sku and CRM.COM errors kept', () => {
    expect(syncProcessStatus({ id: 'x', status: 'IN_PROGRESS' })).toEqual({ done: false });
    expect(syncProcessStatus({ id: 'x', status: 'PENDING' })).toEqual({ done: false });
    expect(
      syncProcessStatus({
        id: 'x',
        status: 'COMPLETED',
        processed_products: [{ sku: 'A', id: 'id-a' }, { id: 'no-sku' }],
        unprocessed_products: [{ sku: 'B', error_code: 'E', error_description: 'why' }, { sku: 'C' }],
      }),
    ).toEqual({
      done: true,
      processed: [{ code: 'A', vendorId: 'id-a' }],
      unprocessed: [
        { code: 'B', errorCode: 'E', errorDescription: 'why' },
        { code: 'C', errorCode: 'Unprocessed', errorDescription: 'CRM.COM did not process this product' },
      ],
    });
  });
});

describe('CRM.COM back-office spend secret fields (CRMCOM_OTP_FIELD, CRMCOM_PASS_CODE_FIELD)', () => {
  it("refuses at start a field the purchase itself sends (each of purchaseBody's), the spend request's amount, or the other secret's", () => {
    const body = purchaseBody({ ...ctx, storeProfile: { crmcomOutlet: 'outlet-1' } } as VendorCallContext, { id: 'p1', customer, purchase, spendMinor: 500 }, 'front_end', DEFAULT_SPEND_SECRET_FIELDS);
    const own = [...Object.keys(body), ...Object.keys(body.spend_request as object).map((k) => `spend_request.${k}`)];
    expect(own.every((field) => CRMCOM_PURCHASE_BODY_FIELDS.includes(field))).toBe(true);
    for (const field of [...own, 'products.sku', 'id.x']) {
      expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_OTP_FIELD: field })).toThrow(/CRMCOM_OTP_FIELD/);
      expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_PASS_CODE_FIELD: field })).toThrow(/CRMCOM_PASS_CODE_FIELD/);
    }
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_OTP_FIELD: 'spend_request.pass_code' })).toThrow(/CRMCOM_OTP_FIELD/);
    expect(() => loadConfig({ APP_ENV: 'test', CRMCOM_OTP_FIELD: 'auth', CRMCOM_PASS_CODE_FIELD: 'auth.pin' })).toThrow(/CRMCOM_PASS_CODE_FIELD/);
    expect(loadConfig({ APP_ENV: 'test', CRMCOM_OTP_FIELD: 'otp', CRMCOM_PASS_CODE_FIELD: 'auth.pin' })).toMatchObject({ CRMCOM_OTP_FIELD: 'otp' });
  });

  it('redacts the configured paths in the audit excerpt whatever their names (spend_request.pin, top-level code)', () => {
    const fields = { otp: 'code', passCode: 'spend_request.pin' };
    const body = purchaseBody(ctx, { id: 'p1', customer, purchase: { ...purchase, spendOtp: '834271', spendPassCode: '2468' }, spendMinor: 500 }, 'front_end', fields);
    expect(JSON.stringify(body)).toMatch(/834271.*2468|2468.*834271/);
    const excerpt = JSON.stringify(redact(redactPaths(body, [fields.otp, fields.passCode])));
    expect(excerpt).not.toMatch(/834271|2468/);
    expect(excerpt).toContain('"amount":5');
  });
});
