import { chooseCapillaryBillNumber } from '../../core/checkouts/capillary-bill-number';
import type { AppConfig } from '../../core/config/app-config';
import { amountTimes100, MoneyFormatError, parseDecimalAmount } from '../../core/money/money';
import { invalidFields } from '../common/problem';
import { storeProfileOf } from '../../core/stores/store-profile';
import type { StoreRow } from '../../core/stores/stores.repository';
import { accountsNeeded, currencyErrors } from './checkout-vendor-accounts';
import { postTenderInput, spendSecrets } from './checkout-extras.mapper';
import {
  checkoutWorkflowId,
  type CheckoutInput,
  type CheckoutKey,
  type CustomerRef,
} from '../../workflows/checkout.contract';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';

/** Identifier types Capillary can look a customer up by. */
export const CAPILLARY_IDENTIFIERS: ReadonlyArray<CustomerRef['type']> = ['phone', 'email', 'externalId'];

type FieldErrors = Array<{ field: string; message: string }>;

/** The configuration a checkout is checked against and completed from. */
export type CheckoutConfig = Pick<
  AppConfig,
  'CHECKOUT_HOLD_TIMEOUT_MS' | 'CRMCOM_API' | 'CRMCOM_MERCHANT_NUMBER' | 'CAPILLARY_POINTS_REDEMPTION' | 'vendorCurrencies' | 'capillaryBillNumberFormat'
>;

/** Decimal string -> minor units, collecting a field-named error instead of throwing. */
export function minorUnits(errors: FieldErrors, field: string, amount: string, currency: string): number {
  try {
    return parseDecimalAmount(amount, currency);
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err;
    errors.push({ field, message: err.message });
    return 0;
  }
}

/**
 * API edge -> workflow input: decimal strings become minor units here, and nowhere else. Everything
 * the vendors would refuse only later, after payment, is refused here, before any saga starts: a
 * currency a vendor account the checkout needs does not keep, a POS reference no Capillary bill
 * number can carry, a store the merchant has not (`stores`: the merchant's rows the caller looked up,
 * core/stores/store-directory.ts). `billedAtCapillary`: a batch sale, billed at Capillary whatever it uses.
 */
export function toCheckoutInput(
  dto: CreateCheckoutDto,
  merchant: string,
  config: CheckoutConfig,
  { billedAtCapillary = false, stores }: { billedAtCapillary?: boolean; stores: ReadonlyMap<string, StoreRow> },
): CheckoutInput {
  const key: CheckoutKey = { merchant, store: dto.store, till: dto.till, posReference: dto.posReference };
  const needs = accountsNeeded(dto, billedAtCapillary);
  const errors: FieldErrors = currencyErrors(dto.currency, needs, config.vendorCurrencies);
  // Every vendor time and the store's identity at each vendor come from its row: no row, no sale.
  const storeRow = stores.get(dto.store);
  if (!storeRow) errors.push({ field: 'store', message: `is not a store of merchant ${merchant} (add it with npm run stores or PUT /v1/admin/stores/{store})` });
  const bill = needs.has('capillary') ? chooseCapillaryBillNumber(key, config.capillaryBillNumberFormat) : undefined;
  if (bill && 'refusal' in bill) errors.push({ field: 'posReference', message: bill.refusal });
  const lines = dto.lines.map((line, i) => ({
    sku: line.sku,
    ...(line.description !== undefined && { description: line.description }),
    quantity: line.quantity,
    totalMinor: minorUnits(errors, `lines[${i}].totalAmount`, line.totalAmount, dto.currency),
    netMinor: minorUnits(errors, `lines[${i}].netAmount`, line.netAmount, dto.currency),
    vatMinor: minorUnits(errors, `lines[${i}].vatAmount`, line.vatAmount, dto.currency),
  }));
  const spendMinor = dto.spend ? minorUnits(errors, 'spend.amount', dto.spend.amount, dto.currency) : undefined;
  if (dto.spend && !dto.customer) errors.push({ field: 'spend', message: 'needs a customer to spend from' });
  const secrets = spendSecrets(dto.spend, spendMinor, config.CRMCOM_API, errors);
  const pointsCustomer = dto.points ? (dto.points.identifier ?? dto.customer?.identifier) : undefined;
  if (dto.points) {
    const field = dto.points.identifier ? 'points.identifier.type' : 'customer.identifier.type';
    if (!pointsCustomer) errors.push({ field: 'points.identifier', message: 'is required when the checkout has no customer' });
    else if (!CAPILLARY_IDENTIFIERS.includes(pointsCustomer.type)) {
      errors.push({ field, message: `must be one of ${CAPILLARY_IDENTIFIERS.join(', ')} to redeem Capillary points` });
    }
  }
  const codes = new Set<string>();
  (dto.coupons ?? []).forEach((c, i) => {
    if (codes.has(`${c.provider}:${c.code}`)) errors.push({ field: `coupons[${i}].code`, message: 'is listed twice' });
    codes.add(`${c.provider}:${c.code}`);
  });
  if (errors.length) throw invalidFields(errors);
  const totalMinor = lines.reduce((sum, l) => sum + l.totalMinor, 0);

  return {
    ...key,
    checkoutId: checkoutWorkflowId(key),
    performedOn: dto.performedOn,
    currency: dto.currency,
    lines,
    totalMinor,
    ...(dto.customer && { customer: { provider: dto.customer.provider, identifier: { type: dto.customer.identifier.type, value: dto.customer.identifier.value } } }),
    ...(spendMinor !== undefined && spendMinor > 0 && { spend: { amountMinor: spendMinor, ...secrets } }),
    ...(dto.points && pointsCustomer && {
      points: {
        provider: dto.points.provider,
        points: dto.points.points,
        customer: { type: pointsCustomer.type, value: pointsCustomer.value },
        // CAPILLARY_POINTS_REDEMPTION=before_payment: redeem at commit (the org allows reversal); else after the bill.
        ...(config.CAPILLARY_POINTS_REDEMPTION === 'before_payment' && { redeemBeforePayment: true as const }),
      },
    }),
    coupons: (dto.coupons ?? []).map((c) => ({ provider: c.provider, code: c.code })),
    ...(dto.postTender && { postTender: postTenderInput(dto.postTender) }),
    holdTimeoutMs: config.CHECKOUT_HOLD_TIMEOUT_MS,
    ...(bill && 'billNumber' in bill && { capillaryBillNumber: bill.billNumber }),
    ...(storeRow && { storeProfile: storeProfileOf(storeRow, dto.till) }),
    // CRM.COM awards a reclaimed sale's amount as if in its own currency: no codes for a sale in another.
    ...(!dto.customer && dto.currency === config.vendorCurrencies.crmcom && {
      reclaimCodes: reclaimCodes(dto, config.CRMCOM_MERCHANT_NUMBER, totalMinor),
    }),
  };
}

/**
 * CRM.COM's reclaim codes (vendor-docs/crmcom-v2-pos-ecommerce.txt, "QR/Barcode format"): the fields
 * in this order, separated by semicolons, the amount x100. Receipt number = the POS reference, venue
 * number = the store.
 */
export function reclaimCodes(dto: CreateCheckoutDto, merchantNumber: string, totalMinor: number): { qr: string; barcode: string } {
  const amount = amountTimes100(totalMinor, dto.currency);
  return {
    qr: [dto.posReference, merchantNumber, dto.store, amount].join(';'),
    barcode: [merchantNumber, dto.posReference, amount, dto.store].join(';'),
  };
}
