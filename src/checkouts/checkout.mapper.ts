import { chooseCapillaryBillNumber } from '../../core/checkouts/capillary-bill-number';
import type { AppConfig } from '../../core/config/app-config';
import { amountTimes100, formatMinorUnits, MoneyFormatError, parseDecimalAmount } from '../../core/money/money';
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
import type { CapillaryEnrolmentDto, CreateCheckoutDto } from './dto/create-checkout.dto';

/** Identifier types Capillary can look a customer up by (a card: customer/get `card_number`). */
export const CAPILLARY_IDENTIFIERS: ReadonlyArray<CustomerRef['type']> = ['phone', 'email', 'externalId', 'card', 'cardExternalId'];
/** Identifier types CRM.COM identifies by: its cards are access tokens (`code`), never `card`. */
const CRMCOM_IDENTIFIERS: ReadonlyArray<CustomerRef['type']> = ['code', 'number', 'phone', 'email', 'externalId'];

type FieldErrors = Array<{ field: string; message: string }>;

/** The configuration a checkout is checked against and completed from. */
export type CheckoutConfig = Pick<
  AppConfig,
  | 'CHECKOUT_HOLD_TIMEOUT_MS'
  | 'CRMCOM_API'
  | 'CRMCOM_REDUCTION'
  | 'CRMCOM_MERCHANT_NUMBER'
  | 'CAPILLARY_POINTS_REDEMPTION'
  | 'vendorCurrencies'
  | 'capillaryBillNumberFormat'
  | 'CAPILLARY_VALIDATION_REQUIRED'
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
  const lines = dto.lines.map((line, i) => {
    const errorsBefore = errors.length;
    const mapped = {
      sku: line.sku,
      ...(line.description !== undefined && { description: line.description }),
      quantity: line.quantity,
      totalMinor: minorUnits(errors, `lines[${i}].totalAmount`, line.totalAmount, dto.currency),
      netMinor: minorUnits(errors, `lines[${i}].netAmount`, line.netAmount, dto.currency),
      vatMinor: minorUnits(errors, `lines[${i}].vatAmount`, line.vatAmount, dto.currency),
    };
    // Only amounts that were all read can be added up; an unreadable one is named by its own error.
    if (errors.length === errorsBefore) errors.push(...lineSumErrors(line, mapped, i, dto.currency));
    return mapped;
  });
  const spendMinor = dto.spend ? minorUnits(errors, 'spend.amount', dto.spend.amount, dto.currency) : undefined;
  if (dto.spend && !dto.customer) errors.push({ field: 'spend', message: 'needs a customer to spend from' });
  const secrets = spendSecrets(dto.spend, spendMinor, config.CRMCOM_API, errors);
  if (dto.customer && !CRMCOM_IDENTIFIERS.includes(dto.customer.identifier.type)) {
    errors.push({ field: 'customer.identifier.type', message: `must be one of ${CRMCOM_IDENTIFIERS.join(', ')} for CRM.COM (a CRM.COM card is a code)` });
  }
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
  errors.push(...validationCodeErrors(dto, config.CAPILLARY_VALIDATION_REQUIRED));
  if (dto.points?.enrol && pointsCustomer) errors.push(...enrolmentErrors(pointsCustomer, dto.points.enrol));
  const totalMinor = lines.reduce((sum, l) => sum + l.totalMinor, 0);
  // Up to 500 lines, each a safe integer: their sum may not be, and every later figure builds on it.
  if (!errors.length && !Number.isSafeInteger(totalMinor)) errors.push({ field: 'lines', message: 'add up to too large an amount' });
  if (errors.length) throw invalidFields(errors);

  return {
    ...key,
    checkoutId: checkoutWorkflowId(key),
    performedOn: dto.performedOn,
    currency: dto.currency,
    lines,
    totalMinor,
    ...(dto.customer && { customer: { provider: dto.customer.provider, identifier: { type: dto.customer.identifier.type, value: dto.customer.identifier.value } } }),
    ...(spendMinor !== undefined && spendMinor > 0 && { spend: { amountMinor: spendMinor, ...secrets } }),
    // Who redeems, decided here once for the whole sale (the preview and the purchase both read it).
    ...(dto.customer && config.CRMCOM_API === 'backoffice' && { crmcomReduction: config.CRMCOM_REDUCTION }),
    ...(dto.points && pointsCustomer && {
      points: {
        provider: dto.points.provider,
        points: dto.points.points,
        customer: { type: pointsCustomer.type, value: pointsCustomer.value },
        // CAPILLARY_POINTS_REDEMPTION=before_payment: redeem at commit (the org allows reversal); else after the bill.
        ...(config.CAPILLARY_POINTS_REDEMPTION === 'before_payment' && { redeemBeforePayment: true as const }),
        ...(dto.points.validationCode != null && { validationCode: dto.points.validationCode }),
        ...(dto.points.enrol && { enrol: enrolmentOf(dto.points.enrol) }),
      },
    }),
    coupons: (dto.coupons ?? []).map((c) => ({
      provider: c.provider,
      code: c.code,
      ...(c.provider === 'capillary' && c.validationCode != null && { validationCode: c.validationCode }),
    })),
    ...(dto.postTender && { postTender: postTenderInput(dto.postTender) }),
    holdTimeoutMs: config.CHECKOUT_HOLD_TIMEOUT_MS,
    ...(bill && 'billNumber' in bill && { capillaryBillNumber: bill.billNumber }),
    ...(storeRow && { storeProfile: storeProfileOf(storeRow, dto.till) }),
    // CRM.COM awards a reclaimed sale's amount as if in its own currency: no codes for a sale in another.
    // A sale with a CRM.COM customer carries them too: printed only if CRM.COM is left out of it
    // (did not answer within the till's budget), so the award is not lost.
    ...(dto.currency === config.vendorCurrencies.crmcom && {
      reclaimCodes: reclaimCodes(dto, config.CRMCOM_MERCHANT_NUMBER, totalMinor),
    }),
  };
}

/**
 * A line's total is its net amount plus its VAT, compared in minor units (never as floats: 0.10 + 0.20
 * is 0.30). Every line carries all three and none carries a discount: a discount on the sale (a coupon,
 * a wallet spend) is the vendors' answer, applied by the POS after this request, so a line's amounts
 * are before any discount and must add up exactly. The total is named: it is what every vendor awards
 * and bills on. (CRM.COM's own preview example, 20 = 26 + 4, would be refused: a typo in its guide.)
 */
function lineSumErrors(
  line: CreateCheckoutDto['lines'][number],
  { totalMinor, netMinor, vatMinor }: { totalMinor: number; netMinor: number; vatMinor: number },
  i: number,
  currency: string,
): FieldErrors {
  if (netMinor + vatMinor === totalMinor) return [];
  // Each amount is a safe integer, their sum need not be (a 4-decimal currency such as CLF allows
  // amounts near 9e15 minor units): say so instead of formatting a number that cannot be exact.
  if (!Number.isSafeInteger(netMinor + vatMinor)) {
    return [{ field: `lines[${i}].totalAmount`, message: `must be netAmount + vatAmount, and ${line.netAmount} + ${line.vatAmount} is too large an amount` }];
  }
  const sum = formatMinorUnits(netMinor + vatMinor, currency);
  return [{ field: `lines[${i}].totalAmount`, message: `must be netAmount + vatAmount (${line.netAmount} + ${line.vatAmount} = ${sum}), not ${line.totalAmount}` }];
}

/**
 * Validation codes (OTPs) where they can be used, and present where the org requires them: a redemption
 * Capillary would refuse after payment (824, 725) is refused here. Only Capillary coupons take one.
 */
function validationCodeErrors(dto: CreateCheckoutDto, required: boolean): FieldErrors {
  const errors: FieldErrors = [];
  const missing = 'is required: the Capillary org requires a validation code (POST /v1/capillary/validation-codes sends it to the customer)';
  if (dto.points && required && dto.points.validationCode == null) errors.push({ field: 'points.validationCode', message: missing });
  (dto.coupons ?? []).forEach((c, i) => {
    const field = `coupons[${i}].validationCode`;
    if (c.provider !== 'capillary' && c.validationCode != null) errors.push({ field, message: 'only a Capillary coupon takes a validation code' });
    if (c.provider === 'capillary' && required && c.validationCode == null) errors.push({ field, message: missing });
  });
  return errors;
}

/**
 * The details must not name another customer than the identifier the saga looks up (the identifier
 * is what customer/add enrols by): a phone identifier with another mobile is refused, as is an e-mail.
 */
function enrolmentErrors(identifier: CustomerRef, enrol: CapillaryEnrolmentDto): FieldErrors {
  // vendors.md §2, Enrol: "at least one of mobile / email / external_id": a card alone enrols nobody.
  if (identifier.type === 'card' || identifier.type === 'cardExternalId') {
    return [{ field: 'points.enrol', message: 'needs a phone, email or externalId identifier: Capillary does not enrol by card' }];
  }
  const digits = (v: string) => v.replace(/\D/g, '');
  if (identifier.type === 'phone' && enrol.mobile != null && digits(enrol.mobile) !== digits(identifier.value)) {
    return [{ field: 'points.enrol.mobile', message: "must be the identifier's phone (or left out)" }];
  }
  if (identifier.type === 'email' && enrol.email != null && enrol.email.trim().toLowerCase() !== identifier.value.trim().toLowerCase()) {
    return [{ field: 'points.enrol.email', message: "must be the identifier's e-mail (or left out)" }];
  }
  return [];
}

function enrolmentOf(enrol: CapillaryEnrolmentDto): NonNullable<NonNullable<CheckoutInput['points']>['enrol']> {
  return {
    ...(enrol.firstName != null && { firstName: enrol.firstName }),
    ...(enrol.lastName != null && { lastName: enrol.lastName }),
    ...(enrol.email != null && { email: enrol.email }),
    ...(enrol.mobile != null && { mobile: enrol.mobile }),
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
