import { CrmcomBackofficeVendor } from '../../activities/vendors/crmcom-backoffice.vendor';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import { loadConfig } from '../../core/config/app-config';
import { toCheckoutInput } from '../../src/checkouts/checkout.mapper';
import { loyaltyPurchase } from '../../workflows/reserve-phase';
import { checkoutDto, demoS1 } from '../support/checkout-dto';

const stores = demoS1('UTC');
const body = (withCustomer = true) =>
  checkoutDto(withCustomer ? { customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } }, spend: { amount: '4.00' } } : {});
const ctx = { reference: 'demo:S1:T1:R1', currency: 'EUR' } as VendorCallContext;
const customer = { accountNumber: 'contact-1', walletBalanceMinor: 1000 };

/**
 * CRMCOM_REDUCTION is read once, when the sale starts (the API's mapper), and carried in the saga's
 * input: a rolling deploy that switches it between reserve and commit cannot make the till deduct
 * the spend and CRM.COM pay it out too (or neither).
 */
describe('the CRM.COM back-office reduction method, decided once per sale', () => {
  it('the mapper carries CRMCOM_REDUCTION into the input of a back-office sale with a customer, and only there', () => {
    const backEnd = loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice', CRMCOM_REDUCTION: 'back_end' });
    expect(toCheckoutInput(body(), 'demo', backEnd, { stores }).crmcomReduction).toBe('back_end');
    expect(toCheckoutInput(body(), 'demo', loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice' }), { stores }).crmcomReduction).toBe('front_end');
    expect(toCheckoutInput(body(false), 'demo', backEnd, { stores })).not.toHaveProperty('crmcomReduction');
    expect(toCheckoutInput(body(), 'demo', loadConfig({ APP_ENV: 'test', CRMCOM_API: 'legacy', CRMCOM_REDUCTION: 'back_end' }), { stores })).not.toHaveProperty('crmcomReduction');
  });

  it('the adapter previews the method the sale carries, whatever the worker is configured with now', async () => {
    const input = toCheckoutInput(body(), 'demo', loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice', CRMCOM_REDUCTION: 'back_end' }), { stores });
    // The worker's configuration switched to front_end after the sale started.
    const switched = new CrmcomBackofficeVendor({ baseUrl: 'http://unused', apiKey: 'k', timeoutMs: 1, reduction: 'front_end' });
    await expect(switched.preview(ctx, customer, loyaltyPurchase(input))).resolves.toMatchObject({ reductionMethod: 'back_end', spendRequestOnBackEnd: true });
    const other = toCheckoutInput(body(), 'demo', loadConfig({ APP_ENV: 'test', CRMCOM_API: 'backoffice' }), { stores });
    const toBackEnd = new CrmcomBackofficeVendor({ baseUrl: 'http://unused', apiKey: 'k', timeoutMs: 1, reduction: 'back_end' });
    await expect(toBackEnd.preview(ctx, customer, loyaltyPurchase(other))).resolves.toEqual(expect.objectContaining({ reductionMethod: 'front_end' }));
    // A saga started before sales carried it: the configured method, as then.
    const legacy = { ...loyaltyPurchase(other), reductionMethod: undefined };
    await expect(toBackEnd.preview(ctx, customer, legacy)).resolves.toMatchObject({ reductionMethod: 'back_end' });
  });
});
