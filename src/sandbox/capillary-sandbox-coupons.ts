import type { FastifyReply } from 'fastify';
import { formatMinorUnits } from '../../core/money/money';
import type { SandboxJournal } from './sandbox-journal';
import { type ItemResult, fail, requestStatus, status, v2Fail } from './capillary-sandbox-envelope';
import { type Body, type Query, cents, dig, identifierEcho, identifierOf, list, now, obj, str } from './capillary-sandbox-input';
import { ORG_CURRENCY, VENDOR } from './capillary-sandbox-org';
import type { CapillarySandboxState, Coupon, CouponRedemption, Customer } from './capillary-sandbox-state';
import type { CapillarySandboxValidation } from './capillary-sandbox-validation';

/** v1.1 coupon/isredeemable, coupon/redeem and coupon/get, v2 coupon/reactivate. */
export class CapillarySandboxCoupons {
  constructor(
    private readonly state: CapillarySandboxState,
    private readonly journal: SandboxJournal,
    private readonly validation: CapillarySandboxValidation,
  ) {}

  isRedeemable(q: Query) {
    const customer = this.state.findCustomer(q);
    const coupon = this.state.coupon(q.code);
    const refused = rule(customer, coupon);
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

  redeem(b: Body, till: string) {
    const results = list(dig(b, 'root', 'coupon')).map((input): ItemResult => {
      const id = identifierOf(obj(input.customer) ?? {});
      const customer = id && this.state.findCustomer({ [id.key]: id.value });
      const coupon = this.state.coupon(str(input.code));
      const transaction = list(input.transaction)[0] ?? {};
      const echo = { code: str(input.code) ?? '' };
      const number = str(transaction.number) ?? '';
      const refused = rule(customer, coupon);
      if (refused || !customer || !coupon) {
        // vendors.md §2, Idempotency: "`coupon/redeem`: single-use coupons protect themselves (second
        // try gives 711/716)." A redeem of a coupon already redeemed on this same bill is a second send
        // of that redemption: refused with 711 as before, and journaled as such so a re-send is visible.
        const earlier = refused?.[0] === 711 && coupon && number ? this.activeRedemption(coupon, number) : undefined;
        if (earlier && coupon) {
          this.journal.add({ vendor: VENDOR, effect: 'coupon.redeem', reference: number, vendorReference: String(earlier.id), amount: journalAmount(coupon), outcome: 'refused-duplicate' });
        }
        return fail(echo, ...(refused ?? ([702, 'Coupon code is invalid'] as [number, string])));
      }
      // vendors.md §2, coupon codes: "Validation code: 725 required, 705 invalid" (capillary-sandbox-validation.ts).
      const unvalidated = this.validation.checkCoupon(customer, str(input.validation_code) ?? '');
      if (unvalidated) return fail(echo, ...unvalidated);
      if (!number) return fail(echo, 718, 'Unable to redeem. Please enter transaction number must be entered to redeem');
      const amountCents = cents(transaction.amount);
      if (amountCents === undefined) return fail(echo, 733, 'Transaction amount invalid');
      const redemption: CouponRedemption = { id: ++this.state.seq.coupon, code: coupon.code, userId: customer.userId, transactionNumber: number, amountCents, time: now(), till, active: true };
      this.state.couponRedemptions.push(redemption);
      // vendors.md §2: "Multi-use coupons (`redemptions_left` −1 or > 1) can be double-redeemed": one
      // redeemed again, on the same bill or another, is applied again. A single-use one is REDEEMED.
      if (coupon.redemptionsLeft > 0) coupon.redemptionsLeft -= 1;
      if (coupon.redemptionsLeft === 0) coupon.state = 'REDEEMED';
      this.journal.add({ vendor: VENDOR, effect: 'coupon.redeem', reference: number, vendorReference: String(redemption.id), amount: journalAmount(coupon) });
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

  get(q: Query) {
    const coupon = this.state.coupon(q.code);
    if (!coupon) {
      return { response: { status: status(500), coupons: { coupon: { code: q.code ?? '', item_status: { status: 'false', code: '719', message: 'Coupon code does not exist' } } } } };
    }
    const customer = this.state.customers.find((c) => c.userId === coupon.userId);
    const last = [...this.state.couponRedemptions].reverse().find((r) => r.code === coupon.code);
    const redeemed = coupon.state === 'REDEEMED';
    const redeemer = this.state.customers.find((c) => c.userId === last?.userId);
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

  /** The coupon's redemption on bill `number` that still stands, if any. */
  private activeRedemption(coupon: Coupon, number: string): CouponRedemption | undefined {
    return this.state.couponRedemptions.find((r) => r.active && r.code === coupon.code && r.transactionNumber === number);
  }

  reactivate(b: Body, reply: FastifyReply) {
    const ids = Array.isArray(b.redemptionIds) ? b.redemptionIds.map(String) : [];
    if (ids.length === 0) return v2Fail(reply, 400, 'redemptionIds is required');
    const errors: Array<{ code: number; message: string; status: boolean }> = [];
    for (const id of ids) {
      const redemption = this.state.couponRedemptions.find((r) => String(r.id) === id && r.active);
      // No documented code for an inactive or unknown redemption id; the sandbox reuses 902.
      if (!redemption) {
        errors.push({ code: 902, message: `Redemption ID ${id} does not exist or is not active`, status: false });
        continue;
      }
      redemption.active = false;
      const coupon = this.state.coupon(redemption.code);
      if (coupon && coupon.redemptionsLeft >= 0) coupon.redemptionsLeft += 1;
      if (coupon?.state === 'REDEEMED') coupon.state = 'REACTIVATED';
      this.journal.add({ vendor: VENDOR, effect: 'coupon.reactivate', reference: redemption.transactionNumber, vendorReference: id });
    }
    if (errors.length > 0) return reply.code(400).send({ warnings: [], errors, success: false });
    return { warnings: [], errors: [], success: true };
  }
}

/** Why this customer cannot redeem this coupon now, if they cannot. */
function rule(customer: Customer | undefined, coupon: Coupon | undefined): [number, string] | undefined {
  if (!customer) return [701, 'Unable to find the customer. Please enter correct mobile number/email id/external id'];
  if (!coupon) return [702, 'Coupon code is invalid'];
  if (coupon.userId !== customer.userId) return [703, 'Coupon not issued to this customer'];
  if (coupon.validTill < now().slice(0, 10)) return [713, 'Coupon has expired'];
  if (coupon.state === 'REDEEMED') return [711, 'Coupon is redeemed already'];
  return undefined;
}

/** The journal's amount of a redemption: the coupon's value when it is absolute. */
function journalAmount(coupon: Coupon): string | undefined {
  return coupon.discountType === 'ABS' ? formatMinorUnits(cents(coupon.discountValue) ?? 0, ORG_CURRENCY) : undefined;
}

function seriesInfo(c: Coupon): Body {
  return { description: c.description, discount_code: c.discountCode, valid_till: c.validTill, discount_type: c.discountType, discount_value: c.discountValue, detailed_info: c.description };
}
