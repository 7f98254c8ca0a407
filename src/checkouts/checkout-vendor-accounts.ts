import type { VendorAccount } from '../../core/config/app-config';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';

const ACCOUNT_NAMES: Record<VendorAccount, { name: string; variable: string }> = {
  crmcom: { name: 'CRM.COM', variable: 'CRMCOM_CURRENCY' },
  capillary: { name: 'Capillary', variable: 'CAPILLARY_CURRENCY' },
  coupontools: { name: 'Coupontools', variable: 'COUPONTOOLS_CURRENCY' },
  cmc: { name: 'CMC', variable: 'CMC_CURRENCY' },
};

/** The vendor accounts a checkout needs, each with the request fields that need it. */
export function accountsNeeded(dto: CreateCheckoutDto, billedAtCapillary: boolean): Map<VendorAccount, string[]> {
  const needs = new Map<VendorAccount, string[]>();
  const need = (account: VendorAccount, field: string) => needs.set(account, [...(needs.get(account) ?? []), field]);
  if (dto.customer) need(dto.customer.provider, 'customer');
  if (dto.points) need(dto.points.provider, 'points');
  (dto.coupons ?? []).forEach((c, i) => need(c.provider, `coupons[${i}]`));
  if (dto.postTender) need(dto.postTender.provider, 'postTender');
  if (billedAtCapillary && !needs.has('capillary')) need('capillary', 'its Capillary bill');
  return needs;
}

/**
 * A vendor account keeps one currency and the adapters send the checkout's amounts as they are, so a
 * checkout in another currency would be booked there as if in the account's: it is refused, naming
 * `currency`, before any saga starts.
 */
export function currencyErrors(
  currency: string,
  needs: Map<VendorAccount, string[]>,
  currencies: Record<VendorAccount, string>,
): Array<{ field: string; message: string }> {
  return [...needs]
    .filter(([account]) => currencies[account] !== currency)
    .map(([account, fields]) => {
      const { name, variable } = ACCOUNT_NAMES[account];
      return { field: 'currency', message: `the ${name} account this checkout needs (${fields.join(', ')}) keeps ${currencies[account]} only (${variable}), not ${currency}` };
    });
}
