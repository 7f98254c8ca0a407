import { type Body, type IdentifierKey, now, str } from './capillary-sandbox-input';
import { CAPILLARY_SANDBOX_COUPONS, CAPILLARY_SANDBOX_CUSTOMER, DEFAULT_CONFIG, type OrgConfig } from './capillary-sandbox-org';

/**
 * The sandbox's business state, shared by every route handler so that a redemption, a bill and a
 * customer's balance stay consistent across endpoints.
 *
 * Seed: the document examples' customer Tom Sawyer (mobile 919999999999) with 1000 points; coupons
 * 06000041 (redeemable), P7WNQWF4 (already redeemed), 4OZ1UDDA (expired), JL07UAZ3 (10 % off), all
 * single-use, and MU7T1USE (multi-use, unlimited: redeemed again on every coupon/redeem).
 * Org config: bill numbers unique across the org (604), 1 point = 0.01, redemptions of 10 to 5000
 * points in multiples of 1 (PUT /_sandbox/org-config changes the multiple and the limits).
 */

export interface Customer {
  userId: number;
  mobile: string;
  email: string;
  externalId: string;
  /** vendors.md §2, Find customer: "`card_number`, `card_external_id`"; '' for a customer without a card. */
  cardNumber: string;
  cardExternalId: string;
  firstname: string;
  lastname: string;
  loyaltyPoints: number;
  lifetimePoints: number;
  lifetimePurchasesCents: number;
  registeredOn: string;
}

export interface Coupon {
  id: number;
  code: string;
  seriesId: number;
  description: string;
  discountCode: string;
  discountType: 'ABS' | 'PERC';
  discountValue: string;
  validTill: string;
  issuedOn: string;
  userId: number;
  /**
   * vendors.md §2's `redemptions_left` (−1 = unlimited): how many more times it can be redeemed. 1 for
   * a single-use coupon; one that reaches 0 is REDEEMED. An unlimited coupon never is.
   */
  redemptionsLeft: number;
  state: 'ISSUED' | 'REDEEMED' | 'REACTIVATED';
}

export interface CouponRedemption {
  id: number;
  code: string;
  userId: number;
  transactionNumber: string;
  amountCents: number;
  time: string;
  till: string;
  active: boolean;
}

export interface PointsRedemption {
  id: string;
  summaryId: number;
  userId: number;
  points: number;
  valueCents: number;
  transactionNumber: string;
  validationCode: string;
  notes: string;
  time: string;
  till: string;
  reversals: Array<{ reversalId: string; points: number; time: string }>;
}

export interface Line {
  serial: string;
  itemCode: string;
  description: string;
  qty: string;
  rate: string;
  valueCents: number;
  amountCents: number;
}

export interface Transaction {
  id: number;
  number: string;
  billClientId: string;
  type: 'REGULAR' | 'NOT_INTERESTED' | 'RETURN' | 'NOT_INTERESTED_RETURN';
  parentBillNumber: string;
  userId?: number;
  amountCents: number;
  grossCents: number;
  discountCents: number;
  billingTime: string;
  notes: string;
  lines: Line[];
  awardedPoints: number;
  /** Regular bills: how much of it has come back, and how (AMOUNT and LINE_ITEM do not mix). */
  returnedCents: number;
  returnKind?: 'AMOUNT' | 'LINE_ITEM';
  state: 'ADDED' | 'PARTIALLY_RETURNED' | 'RETURNED';
  pointsDeducted: number;
}

export interface IssuedValidationCode {
  userId: number;
  code: string;
  issuedAtMs: number;
}

export class CapillarySandboxState {
  config: OrgConfig = { ...DEFAULT_CONFIG };
  /** Issued OAuth tokens and when each expires. */
  readonly tokens = new Map<string, number>();
  customers: Customer[] = [];
  coupons: Coupon[] = [];
  couponRedemptions: CouponRedemption[] = [];
  pointsRedemptions: PointsRedemption[] = [];
  transactions: Transaction[] = [];
  /** Validation codes issued by points/validationcode (capillary-sandbox-validation.ts). */
  validationCodes: IssuedValidationCode[] = [];
  seq = { user: 0, redemption: 0, coupon: 0, transaction: 0, reversal: 0 };

  constructor() {
    this.reset();
  }

  /** Business state and org config back to the seed. Issued tokens survive, as at the real vendor. */
  reset(): void {
    this.config = { ...DEFAULT_CONFIG };
    this.seq = { user: 343445390, redemption: 1425658, coupon: 4577842, transaction: 37813251, reversal: 1434301 };
    this.customers = [
      {
        userId: 98662653,
        mobile: CAPILLARY_SANDBOX_CUSTOMER.mobile,
        email: CAPILLARY_SANDBOX_CUSTOMER.email,
        externalId: CAPILLARY_SANDBOX_CUSTOMER.externalId,
        cardNumber: CAPILLARY_SANDBOX_CUSTOMER.cardNumber,
        cardExternalId: CAPILLARY_SANDBOX_CUSTOMER.cardExternalId,
        firstname: 'Tom',
        lastname: 'Sawyer',
        loyaltyPoints: CAPILLARY_SANDBOX_CUSTOMER.points,
        lifetimePoints: 2300,
        lifetimePurchasesCents: 2_500_000,
        registeredOn: '2017-05-31 14:57:04',
      },
      {
        userId: 43445,
        mobile: '44700900999',
        email: 'catherine@example.com',
        externalId: 'ct123',
        cardNumber: '',
        cardExternalId: '',
        firstname: 'Catherine',
        lastname: 'Earnshaw',
        loyaltyPoints: 0,
        lifetimePoints: 0,
        lifetimePurchasesCents: 0,
        registeredOn: '2012-09-11 11:11:11',
      },
    ];
    const coupon = (id: number, code: string, seriesId: number, type: 'ABS' | 'PERC', value: string, validTill: string, state: Coupon['state'], redemptionsLeft = state === 'REDEEMED' ? 0 : 1): Coupon => ({
      id, code, seriesId, description: 'Sample description', discountCode: 'XYZ123', discountType: type, discountValue: value,
      validTill, issuedOn: '2016-08-01 15:31:44', userId: 98662653, redemptionsLeft, state,
    });
    this.coupons = [
      coupon(13596576, CAPILLARY_SANDBOX_COUPONS.redeemable, 24325, 'ABS', '10', '2099-12-31', 'ISSUED'),
      coupon(13596577, CAPILLARY_SANDBOX_COUPONS.redeemed, 9076, 'ABS', '10', '2099-12-31', 'REDEEMED'),
      coupon(44521519, CAPILLARY_SANDBOX_COUPONS.expired, 19293, 'ABS', '10', '2018-06-30', 'ISSUED'),
      coupon(44521520, CAPILLARY_SANDBOX_COUPONS.percent, 14162, 'PERC', '10', '2099-12-31', 'ISSUED'),
      coupon(44521521, CAPILLARY_SANDBOX_COUPONS.multiUse, 24326, 'ABS', '5', '2099-12-31', 'ISSUED', -1),
    ];
    this.couponRedemptions = [
      { id: 4577842, code: CAPILLARY_SANDBOX_COUPONS.redeemed, userId: 98662653, transactionNumber: 'numbr7342762947', amountCents: 100_000, time: '2016-08-01 15:56:07', till: 'till.fitnesse', active: true },
    ];
    this.pointsRedemptions = [];
    this.transactions = [];
    this.validationCodes = [];
  }

  findCustomer(q: Record<string, string | undefined>): Customer | undefined {
    if (q.mobile) return this.customers.find((c) => c.mobile === q.mobile);
    if (q.email) return this.customers.find((c) => c.email.toLowerCase() === q.email?.toLowerCase());
    if (q.external_id) return this.customers.find((c) => c.externalId === q.external_id);
    if (q.id) return this.customers.find((c) => String(c.userId) === q.id);
    return undefined;
  }

  /**
   * vendors.md §2 documents `card_number` for customer/get only ("`GET v1.1/customer/get?mobile=…` (or
   * `email`, `external_id`, `card_number`, `card_external_id`)"): the other routes do not find by card.
   */
  findCustomerByCard(q: { card_number?: string; card_external_id?: string }): Customer | undefined {
    if (q.card_number) return this.customers.find((c) => c.cardNumber !== '' && c.cardNumber === q.card_number);
    if (q.card_external_id) return this.customers.find((c) => c.cardExternalId !== '' && c.cardExternalId === q.card_external_id);
    return undefined;
  }

  enrol({ key, value, input }: { key: IdentifierKey; value: string; input: Body }): Customer {
    const customer: Customer = {
      userId: ++this.seq.user,
      mobile: key === 'mobile' ? value : (str(input.mobile) ?? ''),
      email: key === 'email' ? value : (str(input.email) ?? ''),
      externalId: key === 'external_id' ? value : (str(input.external_id) ?? ''),
      cardNumber: '',
      cardExternalId: '',
      firstname: str(input.firstname) ?? '',
      lastname: str(input.lastname) ?? '',
      loyaltyPoints: 0,
      lifetimePoints: 0,
      lifetimePurchasesCents: 0,
      registeredOn: now(),
    };
    this.customers.push(customer);
    return customer;
  }

  coupon(code: string | undefined): Coupon | undefined {
    return code ? this.coupons.find((c) => c.code.toUpperCase() === code.toUpperCase()) : undefined;
  }
}
