import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMinorUnits, fromVendorAmount } from '../common/money';
import type { SandboxJournal } from './sandbox-journal';

/**
 * Capillary InTouch v1.1 + v2 (vendor-docs/capillary-pos-integration.md; fields, codes and example
 * bodies from Capillary's v1.1/v2 API documentation as vendors.md §2 cites it, copied under
 * test/fixtures/capillary). v1.1 answers `{response:{status, <entities>:{<entity>:[{..., item_status}]}}}`
 * with request codes 200 / 201 (some items failed) / 500 (all failed) and item codes per entity; the
 * sandbox answers HTTP 200 for those, as the envelope carries the verdict. v2 answers plain JSON with
 * `errors[]` (HTTP 400 here). Mixed string/number codes and the missing `response` wrapper of some
 * documented samples are reproduced on purpose, so clients must parse leniently.
 *
 * Seed: the document examples' customer Tom Sawyer (mobile 919999999999) with 1000 points; coupons
 * 06000041 (redeemable), P7WNQWF4 (already redeemed), 4OZ1UDDA (expired), JL07UAZ3 (10 % off).
 * Org config: bill numbers unique across the org (604), 1 point = 0.01, redemptions of 10 to 5000
 * points in multiples of 1 (PUT /_sandbox/org-config changes the multiple and the limits).
 */

export const CAPILLARY_SANDBOX_OAUTH = { key: 'sandbox-capillary-key', secret: 'sandbox-capillary-secret' } as const;
/** Till credentials for Basic auth: `Authorization: Basic base64(<till>:<md5(password)>)`. */
export const CAPILLARY_SANDBOX_TILL = { code: 'sandbox.till01', password: 'sandbox-till-password' } as const;
export const CAPILLARY_SANDBOX_CUSTOMER = { mobile: '919999999999', email: 'tom.sawyer@example.com', externalId: 'TS123', points: 1000 } as const;
export const CAPILLARY_SANDBOX_COUPONS = { redeemable: '06000041', redeemed: 'P7WNQWF4', expired: '4OZ1UDDA', percent: 'JL07UAZ3' } as const;

const VENDOR = 'capillary';
/** The org's base currency; every amount in and out is in it. */
const ORG_CURRENCY = 'INR';
const ORG_ID = 100458;
const PROGRAM_ID = 1016;
/** points_currency_ratio: what one point is worth. CENTS_PER_POINT is the same, in minor units. */
const POINTS_CURRENCY_RATIO = '0.01';
const CENTS_PER_POINT = 1;
const MAX_BILL_NUMBER_LENGTH = 50;

interface OrgConfig {
  pointsMultiple: number;
  minRedeemPoints: number;
  maxRedeemPoints: number;
  tokenTtlSeconds: number;
}

const DEFAULT_CONFIG: OrgConfig = { pointsMultiple: 1, minRedeemPoints: 10, maxRedeemPoints: 5000, tokenTtlSeconds: 300 };

interface Customer {
  userId: number;
  mobile: string;
  email: string;
  externalId: string;
  firstname: string;
  lastname: string;
  loyaltyPoints: number;
  lifetimePoints: number;
  lifetimePurchasesCents: number;
  registeredOn: string;
}

interface Coupon {
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
  state: 'ISSUED' | 'REDEEMED' | 'REACTIVATED';
}

interface CouponRedemption {
  id: number;
  code: string;
  userId: number;
  transactionNumber: string;
  amountCents: number;
  time: string;
  till: string;
  active: boolean;
}

interface PointsRedemption {
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

interface Line {
  serial: string;
  itemCode: string;
  description: string;
  qty: string;
  rate: string;
  valueCents: number;
  amountCents: number;
}

interface Transaction {
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

type Body = Record<string, unknown>;
type Query = Record<string, string | undefined>;
type ItemResult = { ok: true; view: Body } | { ok: false; view: Body };

export class CapillarySandbox {
  private config: OrgConfig = { ...DEFAULT_CONFIG };
  private tokens = new Map<string, number>();
  private customers: Customer[] = [];
  private coupons: Coupon[] = [];
  private couponRedemptions: CouponRedemption[] = [];
  private pointsRedemptions: PointsRedemption[] = [];
  private transactions: Transaction[] = [];
  private seq = { user: 0, redemption: 0, coupon: 0, transaction: 0, reversal: 0 };

  constructor(private readonly journal: SandboxJournal) {
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
        firstname: 'Catherine',
        lastname: 'Earnshaw',
        loyaltyPoints: 0,
        lifetimePoints: 0,
        lifetimePurchasesCents: 0,
        registeredOn: '2012-09-11 11:11:11',
      },
    ];
    const coupon = (id: number, code: string, seriesId: number, type: 'ABS' | 'PERC', value: string, validTill: string, state: Coupon['state']): Coupon => ({
      id, code, seriesId, description: 'Sample description', discountCode: 'XYZ123', discountType: type, discountValue: value,
      validTill, issuedOn: '2016-08-01 15:31:44', userId: 98662653, state,
    });
    this.coupons = [
      coupon(13596576, CAPILLARY_SANDBOX_COUPONS.redeemable, 24325, 'ABS', '10', '2099-12-31', 'ISSUED'),
      coupon(13596577, CAPILLARY_SANDBOX_COUPONS.redeemed, 9076, 'ABS', '10', '2099-12-31', 'REDEEMED'),
      coupon(44521519, CAPILLARY_SANDBOX_COUPONS.expired, 19293, 'ABS', '10', '2018-06-30', 'ISSUED'),
      coupon(44521520, CAPILLARY_SANDBOX_COUPONS.percent, 14162, 'PERC', '10', '2099-12-31', 'ISSUED'),
    ];
    this.couponRedemptions = [
      { id: 4577842, code: CAPILLARY_SANDBOX_COUPONS.redeemed, userId: 98662653, transactionNumber: 'numbr7342762947', amountCents: 100_000, time: '2016-08-01 15:56:07', till: 'till.fitnesse', active: true },
    ];
    this.pointsRedemptions = [];
    this.transactions = [];
  }

  register(app: FastifyInstance): void {
    app.addHook('preHandler', async (req, reply) => {
      if (req.url.includes('/v3/oauth/') || req.url.includes('/_sandbox/')) return;
      if (!this.authorised(req)) return reply.code(401).send(unauthorised(req.url));
    });
    app.post('/v3/oauth/token/generate', (req, reply) => this.generateToken(req, reply));
    app.get('/v1.1/customer/get', (req) => this.customerGet(req.query as Query));
    app.post('/v1.1/customer/add', (req) => this.customerAdd(body(req)));
    app.get('/v1.1/customer/redemptions', (req) => this.customerRedemptions(req.query as Query));
    app.get('/v1.1/points/isredeemable', (req) => this.pointsIsRedeemable(req.query as Query));
    app.post('/v1.1/points/redeem', (req) => this.pointsRedeem(req.query as Query, body(req), tillOf(req)));
    app.post('/v2/points/reverse', (req, reply) => this.pointsReverse(body(req), reply));
    app.get('/v1.1/coupon/isredeemable', (req) => this.couponIsRedeemable(req.query as Query));
    app.post('/v1.1/coupon/redeem', (req) => this.couponRedeem(body(req), tillOf(req)));
    app.get('/v1.1/coupon/get', (req) => this.couponGet(req.query as Query));
    app.post('/v2/coupon/reactivate', (req, reply) => this.couponReactivate(body(req), reply));
    app.post('/v1.1/transaction/add', (req) => this.transactionAdd(body(req)));
    app.get('/v1.1/transaction/get', (req) => this.transactionGet(req.query as Query));
    // Sandbox administration, next to the vendor's routes.
    app.put('/_sandbox/org-config', (req) => {
      const patch = body(req) as Partial<OrgConfig>;
      for (const key of Object.keys(DEFAULT_CONFIG) as Array<keyof OrgConfig>) {
        if (Number.isInteger(patch[key]) && (patch[key] as number) > 0) this.config[key] = patch[key] as number;
      }
      return this.config;
    });
    app.post('/_sandbox/expire-tokens', () => {
      this.tokens.clear();
      return { status: 'expired' };
    });
  }

  // ── auth ──────────────────────────────────────────────────────────────────────────────────────

  private generateToken(req: FastifyRequest, reply: FastifyReply) {
    const b = body(req);
    if (b.key !== CAPILLARY_SANDBOX_OAUTH.key || b.secret !== CAPILLARY_SANDBOX_OAUTH.secret) {
      return reply.code(401).send({ data: null, errors: [{ code: 401, message: 'Invalid key or secret' }] });
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.config.tokenTtlSeconds * 1000);
    return { data: { accessToken: token, ttlSeconds: this.config.tokenTtlSeconds }, errors: null };
  }

  /** OAuth token (server to server) or the till's Basic credentials (POS terminal). */
  private authorised(req: FastifyRequest): boolean {
    const token = header(req, 'x-cap-api-oauth-token');
    if (token) return (this.tokens.get(token) ?? 0) > Date.now();
    const auth = header(req, 'authorization');
    if (!auth?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString();
    const colon = decoded.indexOf(':');
    // The vendor's own example puts a space after the colon; accept it.
    const [till, digest] = [decoded.slice(0, colon).trim(), decoded.slice(colon + 1).trim().toLowerCase()];
    return colon > 0 && till === CAPILLARY_SANDBOX_TILL.code && digest === md5(CAPILLARY_SANDBOX_TILL.password);
  }

  // ── customers ─────────────────────────────────────────────────────────────────────────────────

  private customerGet(q: Query) {
    const customer = this.findCustomer(q);
    if (!customer) {
      return {
        status: { success: 'false', code: '500', message: 'All requests have failed due to errors', total: '1', success_count: '0' },
        customers: { customer: { ...identifierEcho(q), item_status: { success: 'false', code: '1012', message: 'Customer not found', warnings: [] } } },
      };
    }
    return {
      status: { success: 'true', code: '200', message: 'Success', total: '1', success_count: '1' },
      customers: {
        customer: {
          ...(q.user_id === 'true' && { user_id: String(customer.userId) }),
          firstname: customer.firstname,
          lastname: customer.lastname,
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          lifetime_points: String(customer.lifetimePoints),
          lifetime_purchases: formatMinorUnits(customer.lifetimePurchasesCents, ORG_CURRENCY),
          loyalty_points: String(customer.loyaltyPoints),
          current_slab: 'Silver',
          registered_on: customer.registeredOn,
          updated_on: customer.registeredOn,
          type: 'LOYALTY',
          source: 'instore',
          identifiers: [],
          gender: '',
          registered_by: CAPILLARY_SANDBOX_TILL.code,
          registered_store: { code: 'sandbox_store', name: 'Sandbox store' },
          registered_till: { code: CAPILLARY_SANDBOX_TILL.code, name: CAPILLARY_SANDBOX_TILL.code },
          fraud_details: { status: 'NONE', marked_by: [], modified_on: [] },
          trackers: [],
          current_nps_status: [],
          custom_fields: { field: [] },
          extended_fields: { field: [] },
          transactions: { transaction: [] },
          coupons: this.coupons
            .filter((c) => c.userId === customer.userId)
            .map((c) => ({ id: String(c.id), series_id: String(c.seriesId), code: c.code, description: c.description, created_date: c.issuedOn, valid_till: `${c.validTill} 23:59:59`, redeemed: String(c.state === 'REDEEMED') })),
          notes: [],
          item_status: { success: 'true', code: '1000', message: 'Customer successfully retrieved', warnings: [] },
        },
      },
    };
  }

  private customerAdd(b: Body) {
    const results = list(dig(b, 'root', 'customer')).map((input): ItemResult => {
      const id = identifierOf(input);
      if (!id) return fail({}, 1004, 'Customer identifier is not passed');
      if (id.key === 'mobile' && !/^\d{8,15}$/.test(id.value)) return fail({}, 1001, 'Invalid Mobile Number');
      const existing = this.findCustomer({ [id.key]: id.value });
      if (existing) return { ok: true, view: { ...customerAddView(existing), item_status: itemOk(1000, 'Customer updated successfully', { warnings: { warning: [] } }) } };
      const customer = this.enrol({ ...id, input });
      this.journal.add({ vendor: VENDOR, effect: 'customer.add', reference: `user:${customer.userId}`, vendorReference: String(customer.userId) });
      return { ok: true, view: { ...customerAddView(customer), item_status: itemOk(1000, 'Customer registration successful', { warnings: { warning: [] } }) } };
    });
    const okCount = results.filter((r) => r.ok).length;
    return {
      response: {
        status: { ...requestStatus(results), total: String(results.length), success_count: String(okCount) },
        customers: { customer: results.map((r) => r.view) },
      },
    };
  }

  private customerRedemptions(q: Query) {
    const customer = this.findCustomer(q);
    if (!customer) {
      return { response: { status: status(500), customer: { ...identifierEcho(q), item_status: { success: 'false', code: '1012', message: 'Customer not found' } } } };
    }
    const coupons = q.type === 'points' ? [] : this.couponRedemptions.filter((r) => r.userId === customer.userId);
    const points = q.type === 'coupons' ? [] : this.pointsRedemptions.filter((r) => r.userId === customer.userId);
    return {
      response: {
        status: { success: 'true', code: '200', message: 'SUCCESS' },
        customer: {
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          firstname: customer.firstname,
          lastname: customer.lastname,
          rows: String(coupons.length + points.length),
          coupons_count: String(coupons.length),
          points_count: String(points.length),
          coupons_start_id: String(coupons[0]?.id ?? ''),
          points_start_id: String(points[0]?.summaryId ?? ''),
          redemptions: {
            coupons: {
              coupon: coupons.map((r) => {
                const c = this.coupons.find((x) => x.code === r.code);
                return {
                  id: String(r.id), code: r.code, series_id: String(c?.seriesId ?? ''), description: c?.description ?? '', discount_code: c?.discountCode ?? '',
                  discount_type: c?.discountType ?? '', transaction_number: r.transactionNumber, redeemed_time: r.time, redeemed_at: r.till,
                };
              }),
            },
            points: {
              point: points.map((r) => ({
                id: r.id,
                program_id: PROGRAM_ID,
                points_redeemed: r.points,
                transaction_number: r.transactionNumber,
                validation_code: r.validationCode,
                redeemed_time: r.time,
                redeemed_at: r.till,
                notes: r.notes,
                redeemed_store: { code: 'sandbox_store', name: 'Sandbox store' },
                redeemed_till: { code: r.till, name: r.till },
                reversals: r.reversals.map((v) => ({
                  reversal_id: v.reversalId, points_reversed: v.points, reversal_time: v.time, reversed_on_till_id: 75040399,
                  reversal_breakup_by_program: [{ program_id: PROGRAM_ID, points_reversed: v.points, program_name: '' }],
                })),
                redemption_breakup_by_program: [{ program_id: PROGRAM_ID, points_redeemed: r.points, program_name: '' }],
              })),
            },
          },
        },
      },
    };
  }

  // ── points ────────────────────────────────────────────────────────────────────────────────────

  /** The org's redemption rules, in the order Capillary reports them. */
  private pointsRule(customer: Customer | undefined, points: number, insufficientCode: 803 | 804): [number, string] | undefined {
    if (!customer) return [816, 'Unable to find customer in this organization'];
    if (!Number.isInteger(points) || points <= 0) return [801, 'Points you are trying to redeem are invalid'];
    if (points < this.config.minRedeemPoints) return [821, 'Points you are trying to redeem are less than the minimum redemption limit'];
    if (points > this.config.maxRedeemPoints) return [819, 'Points you are trying to redeem are more than the maximum allowed redemption limit'];
    if (points % this.config.pointsMultiple !== 0) {
      return [807, `Unable to redeem. Make sure that the points you are trying to redeem is a multiple of ${this.config.pointsMultiple}`];
    }
    if (points > customer.loyaltyPoints) {
      return insufficientCode === 804
        ? [804, 'Insufficient current points']
        : [803, 'Unable to redeem. The points you are trying to redeem is more than the available points'];
    }
    return undefined;
  }

  private pointsIsRedeemable(q: Query) {
    const customer = this.findCustomer(q);
    const points = Number(q.points);
    const refused = this.pointsRule(customer, points, 804);
    const valueCents = Number.isSafeInteger(points) ? points * CENTS_PER_POINT : 0;
    return {
      response: {
        status: status(200),
        points: {
          redeemable: {
            ...identifierEcho(q),
            points: String(q.points ?? ''),
            is_redeemable: String(!refused),
            points_redeem_value: Number(formatMinorUnits(valueCents, ORG_CURRENCY)),
            points_redeem_local_value: Number(formatMinorUnits(valueCents, ORG_CURRENCY)),
            points_currency_ratio: POINTS_CURRENCY_RATIO,
            item_status: refused ? itemFail(...refused) : itemOk(800, 'Points can be redeemed'),
          },
        },
      },
    };
  }

  private pointsRedeem(q: Query, b: Body, till: string) {
    const results = list(dig(b, 'root', 'redeem')).map((input): ItemResult => {
      const id = identifierOf(obj(input.customer) ?? {});
      const customer = id && this.findCustomer({ [id.key]: id.value });
      const echo = id ? { [id.key]: id.value } : {};
      const points = Number(input.points_redeemed);
      const refused = this.pointsRule(customer, points, 803);
      if (refused || !customer) return fail(echo, ...(refused ?? ([816, 'Unable to find customer in this organization'] as [number, string])));
      const validationCode = str(input.validation_code) ?? '';
      if (q.skip_validation !== 'true' && !validationCode) return fail(echo, 808, 'Unable to redeem. Validation code is invalid');
      // Capillary keeps no key for redemptions: the same bill can be redeemed on twice.
      const transactionNumber = str(input.transaction_number) ?? '';
      const redemption: PointsRedemption = {
        id: `r${(++this.seq.redemption).toString(36)}`,
        summaryId: this.seq.redemption,
        userId: customer.userId,
        points,
        valueCents: points * CENTS_PER_POINT,
        transactionNumber,
        validationCode,
        notes: str(input.notes) ?? '',
        time: str(input.redemption_time) || now(),
        till,
        reversals: [],
      };
      this.pointsRedemptions.push(redemption);
      customer.loyaltyPoints -= points;
      this.journal.add({
        vendor: VENDOR, effect: 'points.redeem', reference: transactionNumber, vendorReference: redemption.id,
        amount: formatMinorUnits(redemption.valueCents, ORG_CURRENCY),
      });
      const value = Number(formatMinorUnits(redemption.valueCents, ORG_CURRENCY));
      return {
        ok: true,
        view: {
          mobile: customer.mobile,
          email: customer.email,
          external_id: customer.externalId,
          user_id: String(customer.userId),
          redemption_id: redemption.id,
          points_redeemed: String(points),
          redeemed_value: value,
          redeemed_local_value: value,
          balance: customer.loyaltyPoints,
          side_effects: {
            effect: [
              {
                id: redemption.summaryId, case_value: 'true', num_points: points, currency_value: value, validation_code: validationCode,
                points_redemption_summary_id: String(redemption.summaryId), redeemed_on_bill_number: transactionNumber, redeemed_on_bill_id: -1, type: 'points',
              },
            ],
          },
          item_status: { success: 'true', code: 800, message: 'Points Redeemed' },
        },
      };
    });
    return { response: { status: requestStatus(results), responses: { points: results.length === 1 ? results[0].view : results.map((r) => r.view) } } };
  }

  private pointsReverse(b: Body, reply: FastifyReply) {
    const identifier = obj(b.identifier) ?? {};
    const redemption = this.pointsRedemptions.find((r) => r.id === str(b.redemptionId));
    if (!redemption) return v2Fail(reply, 902, 'Redemption ID does not exist.');
    const customer = this.customers.find((c) => c.userId === redemption.userId);
    const key = ({ mobile: 'mobile', email: 'email', externalId: 'external_id' } as const)[str(identifier.type) as 'mobile' | 'email' | 'externalId'];
    if (!customer || !key || this.findCustomer({ [key]: str(identifier.value) })?.userId !== customer.userId) {
      return v2Fail(reply, 904, 'Invalid customer details passed.');
    }
    const remaining = redemption.points - redemption.reversals.reduce((s, v) => s + v.points, 0);
    if (remaining === 0) return v2Fail(reply, 3802, 'Points reversal redeemed points already reversed.');
    const points = b.pointsToBeReversed === undefined ? remaining : Number(b.pointsToBeReversed);
    if (!Number.isInteger(points) || points <= 0) return v2Fail(reply, 4102, 'points redemption reversal not allowed for invalid points');
    if (points > remaining) {
      return v2Fail(reply, 3801, 'points to be reversed should not be greater than total points redeemed against the redemption summary id');
    }
    const reversalId = `v${(++this.seq.reversal).toString(36)}`;
    redemption.reversals.push({ reversalId, points, time: now() });
    customer.loyaltyPoints += points;
    this.journal.add({
      vendor: VENDOR, effect: 'points.reverse', reference: redemption.transactionNumber, vendorReference: reversalId,
      amount: formatMinorUnits(points * CENTS_PER_POINT, ORG_CURRENCY),
    });
    return {
      redemptionId: redemption.id,
      pointsToBeReversed: points,
      orgId: ORG_ID,
      identifier: { type: str(identifier.type), value: str(identifier.value) },
      customerId: customer.userId,
      pointsReversed: points,
      reversalId,
      warnings: [],
    };
  }

  // ── coupons ───────────────────────────────────────────────────────────────────────────────────

  /** Why this customer cannot redeem this coupon now, if they cannot. */
  private couponRule(customer: Customer | undefined, coupon: Coupon | undefined): [number, string] | undefined {
    if (!customer) return [701, 'Unable to find the customer. Please enter correct mobile number/email id/external id'];
    if (!coupon) return [702, 'Coupon code is invalid'];
    if (coupon.userId !== customer.userId) return [703, 'Coupon not issued to this customer'];
    if (coupon.validTill < now().slice(0, 10)) return [713, 'Coupon has expired'];
    if (coupon.state === 'REDEEMED') return [711, 'Coupon is redeemed already'];
    return undefined;
  }

  private couponIsRedeemable(q: Query) {
    const customer = this.findCustomer(q);
    const coupon = this.coupon(q.code);
    const refused = this.couponRule(customer, coupon);
    return {
      response: {
        status: { success: 'true', code: '200', message: 'SUCCESS' },
        coupons: {
          redeemable: {
            ...identifierEcho(q),
            code: q.code ?? '',
            is_redeemable: String(!refused),
            // Capillary's own sample says `status` here, not `success`.
            item_status: refused
              ? { status: 'false', code: String(refused[0]), message: refused[1] }
              : { status: 'true', code: '700', message: 'Coupon can be redeemed' },
            ...(coupon && q.details === 'true' && { series_info: seriesInfo(coupon) }),
          },
        },
      },
    };
  }

  private couponRedeem(b: Body, till: string) {
    const results = list(dig(b, 'root', 'coupon')).map((input): ItemResult => {
      const id = identifierOf(obj(input.customer) ?? {});
      const customer = id && this.findCustomer({ [id.key]: id.value });
      const coupon = this.coupon(str(input.code));
      const transaction = list(input.transaction)[0] ?? {};
      const echo = { code: str(input.code) ?? '' };
      const refused = this.couponRule(customer, coupon);
      if (refused || !customer || !coupon) return fail(echo, ...(refused ?? ([702, 'Coupon code is invalid'] as [number, string])));
      const number = str(transaction.number) ?? '';
      if (!number) return fail(echo, 718, 'Unable to redeem. Please enter transaction number must be entered to redeem');
      const amountCents = cents(transaction.amount);
      if (amountCents === undefined) return fail(echo, 733, 'Transaction amount invalid');
      const redemption: CouponRedemption = { id: ++this.seq.coupon, code: coupon.code, userId: customer.userId, transactionNumber: number, amountCents, time: now(), till, active: true };
      this.couponRedemptions.push(redemption);
      coupon.state = 'REDEEMED';
      this.journal.add({
        vendor: VENDOR, effect: 'coupon.redeem', reference: number, vendorReference: String(redemption.id),
        amount: coupon.discountType === 'ABS' ? formatMinorUnits(cents(coupon.discountValue) ?? 0, ORG_CURRENCY) : undefined,
      });
      return {
        ok: true,
        view: {
          customer: { mobile: customer.mobile, email: customer.email, external_id: customer.externalId },
          redemptionId: String(redemption.id),
          code: coupon.code,
          discount_code: coupon.discountCode,
          series_code: String(coupon.seriesId),
          series_info: [],
          is_absolute: String(coupon.discountType === 'ABS'),
          coupon_value: coupon.discountValue,
          transaction: { amount: formatMinorUnits(amountCents, ORG_CURRENCY), number },
          side_effects: [],
          item_status: { success: 'true', code: '700', message: 'Coupon processing successful' },
        },
      };
    });
    // As in Capillary's own sample, this answer comes without the `response` wrapper.
    return { status: requestStatus(results, 'string'), coupons: { coupon: results.length === 1 ? results[0].view : results.map((r) => r.view) } };
  }

  private couponGet(q: Query) {
    const coupon = this.coupon(q.code);
    if (!coupon) {
      return { response: { status: status(500), coupons: { coupon: { code: q.code ?? '', item_status: { status: 'false', code: '719', message: 'Coupon code does not exist' } } } } };
    }
    const customer = this.customers.find((c) => c.userId === coupon.userId);
    const last = [...this.couponRedemptions].reverse().find((r) => r.code === coupon.code);
    const redeemed = coupon.state === 'REDEEMED';
    const redeemer = this.customers.find((c) => c.userId === last?.userId);
    return {
      response: {
        status: { success: 'true', code: '200', message: 'SUCCESS' },
        coupons: {
          coupon: {
            code: coupon.code,
            id: String(coupon.id),
            valid_till: coupon.validTill.split('-').reverse().join('-'),
            issued_on: coupon.issuedOn,
            customer: { user_id: String(customer?.userId ?? ''), name: `${customer?.firstname ?? ''} ${customer?.lastname ?? ''}`.trim(), mobile: customer?.mobile ?? '', email: customer?.email ?? '' },
            pincode: '',
            issued_store: { code: 'sandbox_store', name: 'Sandbox store' },
            series_id: String(coupon.seriesId),
            is_absolute: String(coupon.discountType === 'ABS'),
            value: coupon.discountValue,
            redemption_info: { redeemed: String(redeemed), redeemed_on: redeemed ? last?.time ?? '' : '', redeemed_at: redeemed ? last?.till ?? '' : '' },
            redeemed_by: { firstname: redeemer?.firstname ?? '', lastname: redeemer?.lastname ?? '', email: redeemer?.email ?? '', mobile: redeemer?.mobile ?? '' },
            store: { code: 'sandbox_store', name: 'Sandbox store' },
            transaction: { number: redeemed ? last?.transactionNumber ?? '' : '', id: '' },
            item_status: { status: 'true', code: '700', message: 'Coupon processing successful' },
          },
        },
      },
    };
  }

  private couponReactivate(b: Body, reply: FastifyReply) {
    const ids = Array.isArray(b.redemptionIds) ? b.redemptionIds.map(String) : [];
    if (ids.length === 0) return v2Fail(reply, 400, 'redemptionIds is required');
    const errors: Array<{ code: number; message: string; status: boolean }> = [];
    for (const id of ids) {
      const redemption = this.couponRedemptions.find((r) => String(r.id) === id && r.active);
      // No documented code for an inactive or unknown redemption id; the sandbox reuses 902.
      if (!redemption) {
        errors.push({ code: 902, message: `Redemption ID ${id} does not exist or is not active`, status: false });
        continue;
      }
      redemption.active = false;
      const coupon = this.coupon(redemption.code);
      if (coupon) coupon.state = 'REACTIVATED';
      this.journal.add({ vendor: VENDOR, effect: 'coupon.reactivate', reference: redemption.transactionNumber, vendorReference: id });
    }
    if (errors.length > 0) return reply.code(400).send({ warnings: [], errors, success: false });
    return { warnings: [], errors: [], success: true };
  }

  // ── transactions ──────────────────────────────────────────────────────────────────────────────

  private transactionAdd(b: Body) {
    const results = list(dig(b, 'root', 'transaction')).map((input): ItemResult => {
      const type = (str(input.type) ?? '').toUpperCase();
      if (type === 'REGULAR' || type === 'NOT_INTERESTED') return this.addBill(input, type);
      if (type === 'RETURN' || type === 'NOT_INTERESTED_RETURN') return this.returnBill(input, type);
      return fail({ number: str(input.number) ?? '' }, 605, 'Invalid transaction type. Only regular, return and not-interested transaction types are supported.');
    });
    return { response: { status: requestStatus(results), transactions: { transaction: results.map((r) => r.view) } } };
  }

  private addBill(input: Body, type: 'REGULAR' | 'NOT_INTERESTED'): ItemResult {
    const number = str(input.number) ?? '';
    const echo = { number };
    if (!number || number.length > MAX_BILL_NUMBER_LENGTH) return fail(echo, 602, 'Transaction number is invalid.');
    const amountCents = cents(input.amount);
    const lines = list(dig(input, 'line_items', 'line_item')).map(toLine);
    if (amountCents === undefined || amountCents < 0 || lines.some((l) => l === undefined)) {
      return fail(echo, 601, 'Transaction failed. Transaction amount/quantity/ rate/discount is invalid.');
    }
    // CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE across the org.
    if (this.transactions.some((t) => t.number === number && (t.type === 'REGULAR' || t.type === 'NOT_INTERESTED'))) {
      return fail(echo, 604, 'Transaction number already exists.');
    }
    let customer: Customer | undefined;
    if (type === 'REGULAR') {
      const id = identifierOf(obj(input.customer) ?? {});
      if (!id) return fail(echo, 606, "Customer identifier is not passed. Please enter customer's mobile or email or external id to process.");
      // transaction/add registers an unknown identifier on the fly.
      customer = this.findCustomer({ [id.key]: id.value }) ?? this.enrol({ ...id, input: obj(input.customer) ?? {} });
    }
    const awardedPoints = customer ? Math.floor(amountCents / 100) : 0;
    const tx: Transaction = {
      id: ++this.seq.transaction,
      number,
      billClientId: str(input.bill_client_id) ?? '',
      type,
      parentBillNumber: '',
      userId: customer?.userId,
      amountCents,
      grossCents: cents(input.gross_amount) ?? amountCents,
      discountCents: cents(input.discount) ?? 0,
      billingTime: str(input.billing_time) || now(),
      notes: str(input.notes) ?? '',
      lines: lines as Line[],
      awardedPoints,
      returnedCents: 0,
      state: 'ADDED',
      pointsDeducted: 0,
    };
    this.transactions.push(tx);
    if (customer) {
      customer.loyaltyPoints += awardedPoints;
      customer.lifetimePoints += awardedPoints;
      customer.lifetimePurchasesCents += amountCents;
    }
    this.journal.add({ vendor: VENDOR, effect: 'transaction.add', reference: number, vendorReference: String(tx.id), amount: formatMinorUnits(amountCents, ORG_CURRENCY) });
    return { ok: true, view: this.transactionView(tx, customer, itemOk(600, 'Transaction added successfully', {}, 'number')) };
  }

  /** RETURN: `number` names the original bill; FULL, LINE_ITEM or AMOUNT; ADDED → RETURNED (633/634 on a repeat). */
  private returnBill(input: Body, type: 'RETURN' | 'NOT_INTERESTED_RETURN'): ItemResult {
    const number = str(input.number) ?? '';
    const echo = { number };
    if (!number) return fail(echo, 677, 'Unable to process. Please enter a transaction number for returning a transaction.');
    const originalType = type === 'RETURN' ? 'REGULAR' : 'NOT_INTERESTED';
    const original = this.transactions.find((t) => t.number === number && t.type === originalType);
    if (!original) return fail(echo, 625, 'Transaction number does not exist.');
    const returnType = (str(input.return_type) ?? '').toUpperCase();
    const remaining = original.amountCents - original.returnedCents;
    let returnCents: number;
    if (returnType === 'FULL') {
      if (original.state === 'RETURNED') return fail(echo, 633, 'The entire transaction is already returned.');
      if (original.returnedCents > 0) return fail(echo, 639, 'Unable to return full transaction. A part of the transaction or complete transaction is already returned.');
      returnCents = original.amountCents;
    } else if (returnType === 'AMOUNT' || returnType === 'LINE_ITEM') {
      if (original.state === 'RETURNED') return fail(echo, 634, 'This transaction is already returned.');
      if (returnType === 'AMOUNT' && original.returnKind === 'LINE_ITEM') {
        return fail(echo, 635, 'Cannot return the transaction with the return type AMOUNT because the type LINE_ITEM has been used for returning the same transaction.');
      }
      if (returnType === 'LINE_ITEM' && original.returnKind === 'AMOUNT') {
        return fail(echo, 632, 'Cannot return the transaction with return type LINE_ITEM because the type AMOUNT has already been used for returning the same transaction.');
      }
      const lines = list(dig(input, 'line_items', 'line_item')).map(toLine);
      if (returnType === 'LINE_ITEM' && lines.length === 0) return fail(echo, 1635, 'Please pass line-items that need to be returned');
      const amount = returnType === 'LINE_ITEM' ? lines.reduce((s, l) => s + (l?.amountCents ?? NaN), 0) : cents(input.amount);
      if (amount === undefined || !Number.isSafeInteger(amount) || amount <= 0) return fail(echo, 601, 'Transaction failed. Transaction amount/quantity/ rate/discount is invalid.');
      if (amount > remaining) return fail(echo, 630, 'The return amount is more than the transaction/line-item amount.');
      returnCents = amount;
      original.returnKind = returnType;
    } else {
      return fail(echo, 1634, 'Return type is invalid');
    }
    original.returnedCents += returnCents;
    original.state = original.returnedCents === original.amountCents ? 'RETURNED' : 'PARTIALLY_RETURNED';
    const customer = this.customers.find((c) => c.userId === original.userId);
    // Points awarded on the bill come back in proportion to what is returned, never more than awarded.
    const deducted = Math.min(
      original.awardedPoints - original.pointsDeducted,
      original.state === 'RETURNED' ? original.awardedPoints : Math.floor((original.awardedPoints * original.returnedCents) / original.amountCents) - original.pointsDeducted,
    );
    original.pointsDeducted += deducted;
    if (customer) customer.loyaltyPoints = Math.max(0, customer.loyaltyPoints - deducted);
    const tx: Transaction = {
      ...original,
      id: ++this.seq.transaction,
      billClientId: str(input.bill_client_id) ?? '',
      type,
      parentBillNumber: original.number,
      amountCents: returnCents,
      grossCents: returnCents,
      discountCents: 0,
      billingTime: str(input.billing_time) || now(),
      lines: [],
      awardedPoints: 0,
      returnedCents: 0,
      state: 'ADDED',
      pointsDeducted: deducted,
    };
    this.transactions.push(tx);
    this.journal.add({
      vendor: VENDOR, effect: 'transaction.return', reference: tx.billClientId || number, vendorReference: String(tx.id),
      amount: formatMinorUnits(returnCents, ORG_CURRENCY),
    });
    const view = this.transactionView(tx, customer, itemOk(600, 'Transaction added successfully', {}, 'number'));
    return { ok: true, view: { ...view, points_deducted: deducted, points_balance: customer?.loyaltyPoints ?? 0, source: '', item_status: view.item_status } };
  }

  private transactionGet(q: Query) {
    const type = (q.type ?? 'REGULAR').toUpperCase();
    const found = this.transactions.filter((t) => (q.id ? String(t.id) === q.id : t.number === q.number) && (q.id || t.type === type));
    if (found.length === 0) {
      const [code, message] = q.id ? [620, 'Transaction id is invalid.'] : [625, 'Transaction number does not exist.'];
      return { response: { status: status(500), transactions: { transaction: { number: q.number ?? '', item_status: { success: 'false', code: String(code), message } } } } };
    }
    const views = found.map((t) => {
      const c = this.customers.find((x) => x.userId === t.userId);
      return {
        id: String(t.id),
        number: t.number,
        bill_client_id: t.billClientId,
        type: t.type,
        ...(t.parentBillNumber && { parent_bill_number: t.parentBillNumber }),
        customer: { user_id: String(c?.userId ?? ''), mobile: c?.mobile ?? '', firstname: c?.firstname ?? '', lastname: c?.lastname ?? '' },
        item_status: { success: 'true', code: '600', message: 'Transaction retrieved successfully' },
        amount: formatMinorUnits(t.amountCents, ORG_CURRENCY),
        notes: t.notes,
        billing_time: t.billingTime,
        gross_amount: formatMinorUnits(t.grossCents, ORG_CURRENCY),
        discount: formatMinorUnits(t.discountCents, ORG_CURRENCY),
        custom_fields: { field: [] },
        line_items: { line_item: one(t.lines.map(lineView)) },
      };
    });
    // As in Capillary's own sample, transaction/get carries no request status.
    return { response: { transactions: { transaction: one(views) } } };
  }

  private transactionView(t: Transaction, c: Customer | undefined, itemStatus: Body): Body {
    return {
      id: t.id,
      shipping_source_till_code: '',
      number: t.number,
      bill_client_id: t.billClientId,
      type: t.type,
      delivery_status: 'DELIVERED',
      parent_bill_number: t.parentBillNumber,
      outlier_status: 'NORMAL',
      customer: c ? transactionCustomerView(c) : {},
      side_effects: { effect: [] },
      source: 'INSTORE',
      item_status: itemStatus,
    };
  }

  // ── state helpers ─────────────────────────────────────────────────────────────────────────────

  private findCustomer(q: Record<string, string | undefined>): Customer | undefined {
    if (q.mobile) return this.customers.find((c) => c.mobile === q.mobile);
    if (q.email) return this.customers.find((c) => c.email.toLowerCase() === q.email?.toLowerCase());
    if (q.external_id) return this.customers.find((c) => c.externalId === q.external_id);
    if (q.id) return this.customers.find((c) => String(c.userId) === q.id);
    return undefined;
  }

  private enrol({ key, value, input }: { key: IdentifierKey; value: string; input: Body }): Customer {
    const customer: Customer = {
      userId: ++this.seq.user,
      mobile: key === 'mobile' ? value : (str(input.mobile) ?? ''),
      email: key === 'email' ? value : (str(input.email) ?? ''),
      externalId: key === 'external_id' ? value : (str(input.external_id) ?? ''),
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

  private coupon(code: string | undefined): Coupon | undefined {
    return code ? this.coupons.find((c) => c.code.toUpperCase() === code.toUpperCase()) : undefined;
  }
}

// ── views and envelope ───────────────────────────────────────────────────────────────────────────

type IdentifierKey = 'mobile' | 'email' | 'external_id';

function identifierOf(input: Body): { key: IdentifierKey; value: string } | undefined {
  for (const key of ['mobile', 'email', 'external_id'] as const) {
    const value = str(input[key]);
    if (value) return { key, value };
  }
  return undefined;
}

function identifierEcho(q: Query): Body {
  const id = identifierOf(q);
  return id ? { [id.key]: id.value } : {};
}

function pointsSummary(c: Customer) {
  return {
    points_summary: [
      {
        programId: String(PROGRAM_ID), redeemed: '0', expired: '0', returned: '0', adjusted: '0',
        lifetimePoints: String(c.lifetimePoints), loyaltyPoints: String(c.loyaltyPoints),
        cumulativePurchases: formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY), currentSlab: 'bronze',
        nextSlab: 'silver', nextSlabSerialNumber: '2', nextSlabDescription: 'silver', slabSNo: '1',
        slabExpiryDate: '2119-09-20 23:59:59', totalPoints: '',
      },
    ],
  };
}

function customerAddView(c: Customer): Body {
  return {
    user_id: c.userId,
    firstname: c.firstname,
    lastname: c.lastname,
    mobile: c.mobile,
    email: c.email,
    external_id: c.externalId,
    lifetime_points: c.lifetimePoints,
    loyalty_points: c.loyaltyPoints,
    current_slab: 'bronze',
    tier_expiry_date: '2119-09-20 23:59:59',
    points_summaries: pointsSummary(c),
    lifetime_purchases: Number(formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY)),
    registered_on: c.registeredOn,
    updated_on: c.registeredOn,
    type: 'LOYALTY',
    source: 'instore',
    test_control_status: 'TEST',
    custom_fields: { field: [] },
    extended_fields: { field: [] },
    subscriptions: { subscription: [] },
    side_effects: { effect: [] },
  };
}

function transactionCustomerView(c: Customer): Body {
  return {
    user_id: String(c.userId),
    mobile: c.mobile,
    firstname: c.firstname,
    lastname: c.lastname,
    email: c.email,
    external_id: c.externalId,
    lifetime_points: String(c.lifetimePoints),
    loyalty_points: String(c.loyaltyPoints),
    current_slab: 'bronze',
    tier_expiry_date: '2119-09-20 23:59:59',
    points_summaries: pointsSummary(c),
    lifetime_purchases: formatMinorUnits(c.lifetimePurchasesCents, ORG_CURRENCY),
    type: 'LOYALTY',
    source: 'instore',
  };
}

function seriesInfo(c: Coupon): Body {
  return { description: c.description, discount_code: c.discountCode, valid_till: c.validTill, discount_type: c.discountType, discount_value: c.discountValue, detailed_info: c.description };
}

function toLine(input: Body): Line | undefined {
  const amountCents = cents(input.amount ?? input.value);
  if (amountCents === undefined || amountCents < 0) return undefined;
  return {
    serial: str(input.serial) ?? '',
    itemCode: str(input.item_code) ?? '',
    description: str(input.description) ?? '',
    qty: str(input.qty) ?? '1',
    rate: str(input.rate) ?? '',
    valueCents: cents(input.value) ?? amountCents,
    amountCents,
  };
}

function lineView(l: Line): Body {
  return {
    serial: l.serial, item_code: l.itemCode, description: l.description, qty: l.qty, rate: l.rate,
    value: formatMinorUnits(l.valueCents, ORG_CURRENCY), discount: '0', amount: formatMinorUnits(l.amountCents, ORG_CURRENCY),
    attributes: { attribute: [] },
  };
}

function status(code: 200 | 201 | 500, as: 'number' | 'string' = 'number') {
  const message = { 200: 'Success', 201: 'Some requests have failed due to errors', 500: 'All requests have failed due to errors' }[code];
  return { success: String(code !== 500), code: as === 'number' ? code : String(code), message };
}

function requestStatus(results: ItemResult[], as: 'number' | 'string' = 'number') {
  const ok = results.filter((r) => r.ok).length;
  return status(ok === results.length && ok > 0 ? 200 : ok > 0 ? 201 : 500, as);
}

function itemOk(code: number, message: string, extra: Body = {}, as: 'number' | 'string' = 'string'): Body {
  return { success: 'true', code: as === 'number' ? code : String(code), message, ...extra };
}

function itemFail(code: number, message: string): Body {
  return { success: 'false', code: String(code), message };
}

function fail(echo: Body, code: number, message: string): ItemResult {
  return { ok: false, view: { ...echo, item_status: itemFail(code, message) } };
}

function v2Fail(reply: FastifyReply, code: number, message: string) {
  return reply.code(400).send({ errors: [{ status: false, code, message }], warnings: [] });
}

function unauthorised(url: string) {
  const message = 'Please check your username/password or authentication token';
  return url.includes('/v2/')
    ? { errors: [{ status: false, code: 401, message }], warnings: [] }
    : { response: { status: { success: 'false', code: 401, message } } };
}

function one<T>(items: T[]): T | T[] {
  return items.length === 1 ? items[0] : items;
}

function body(req: FastifyRequest): Body {
  return obj(req.body) ?? {};
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The till a call is attributed to (OAuth attribution headers), for the records it leaves. */
function tillOf(req: FastifyRequest): string {
  return header(req, 'x-cap-api-attribution-entity-code') ?? CAPILLARY_SANDBOX_TILL.code;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function now(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

function cents(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    return fromVendorAmount(value, ORG_CURRENCY);
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function obj(value: unknown): Body | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;
}

function list(value: unknown): Body[] {
  if (Array.isArray(value)) return value.map(obj).filter((v): v is Body => v !== undefined);
  const single = obj(value);
  return single ? [single] : [];
}

function dig(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => obj(v)?.[key], value);
}
