import { randomInt } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { status } from './capillary-sandbox-envelope';
import { type Query, identifierEcho, str } from './capillary-sandbox-input';
import type { CapillarySandboxState, Customer } from './capillary-sandbox-state';

/** Capillary's sample code ("4PZGXC", vendors.md §2 points/redeem): six upper-case letters and digits. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Mobile validation codes (OTPs): v1.1 `points/validationcode` issues them, and redemptions check
 * them when the org requires validation (OrgConfig.validationRequired). Every rule quotes vendors.md §2:
 * - "Issue OTP | `GET v1.1/points/validationcode?mobile=…&points=N` | item code 200 "Validation Code
 *   Issued". A repeat request inside the validity window re-sends **the same code**."
 * - "HTTP 429 (OTP generation: 10 OTPs per user per day by default)".
 * - "`validation_code` is mandatory unless `skip_validation=true`"; "808 invalid validation code, 824
 *   mobile validation mandatory"; coupons: "Validation code: 725 required, 705 invalid".
 * Where the document is silent the sandbox takes the stricter reading, and says so (our reading):
 * - an org that requires validation does not honour `skip_validation=true` (824), at isredeemable as
 *   at redeem: "mobile validation mandatory" leaves no way around it;
 * - a code that is sent is checked, whether or not the org requires one (a wrong code is 808 / 705);
 * - a code is compared exactly as issued (the sample "4PZGXC" is upper-case; no case folding is documented);
 * - a code is not spent by a redemption (the same code is re-sent within its window, so it stays the
 *   customer's code until it expires).
 */
export class CapillarySandboxValidation {
  constructor(private readonly state: CapillarySandboxState) {}

  /** GET v1.1/points/validationcode. The code goes to the customer (the SMS), never into the answer. */
  issue(q: Query, reply: FastifyReply) {
    const customer = this.state.findCustomer(q);
    const echo = { ...identifierEcho(q), points: str(q.points) ?? '' };
    if (!customer) return answer(echo, 816, 'Unable to find customer in this organization');
    const nowMs = Date.now();
    const current = this.current(customer, nowMs);
    if (current) return answer(echo, 200, 'Validation Code Issued');
    const today = this.state.validationCodes.filter((c) => c.userId === customer.userId && nowMs - c.issuedAtMs < DAY_MS);
    if (today.length >= this.state.config.validationCodesPerDay) {
      return reply.code(429).send({ response: { status: { success: 'false', code: 429, message: 'Too many validation code requests' } } });
    }
    const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    this.state.validationCodes.push({ userId: customer.userId, code, issuedAtMs: nowMs });
    return answer(echo, 200, 'Validation Code Issued');
  }

  /** Admin: the code the customer's phone received (the SMS), for tests and a demo till. */
  lastCode(q: Query, reply: FastifyReply) {
    const customer = this.state.findCustomer(q);
    const current = customer && this.current(customer, Date.now());
    return current ? { code: current.code } : reply.code(404).send({ error: 'no valid code for this customer' });
  }

  /** Admin: the codes issued so far leave their validity window (they still count for the day's limit). */
  expireAll() {
    const validityMs = this.state.config.validationCodeValidityMinutes * 60_000;
    for (const issued of this.state.validationCodes) issued.issuedAtMs -= validityMs;
    return { status: 'expired' };
  }

  /**
   * A points redemption's verdict: undefined when it may go ahead. `skipRequested`: `skip_validation=true`.
   */
  checkPoints(customer: Customer, code: string, skipRequested: boolean): [number, string] | undefined {
    // Our reading: a code sent is checked on any org ("808 invalid validation code").
    if (code) return this.matches(customer, code) ? undefined : [808, 'Unable to redeem. Validation code is invalid'];
    // "824 mobile validation mandatory": an org that requires validation takes no redemption without a code
    // (our reading: skip_validation=true is not honoured there).
    if (this.state.config.validationRequired) return [824, 'Mobile validation is mandatory for redemption'];
    // "`validation_code` is mandatory unless `skip_validation=true`" (vendors.md §2 points/redeem). The
    // document names no code for a redemption with neither: 808 is our reading.
    return skipRequested ? undefined : [808, 'Unable to redeem. Validation code is invalid'];
  }

  /**
   * isredeemable: "`isredeemable?points=N&mobile=…[&validation_code=…]`" (vendors.md §2). A code sent is
   * checked, so a till learns of a wrong code before it discounts; on an org that requires validation
   * a check without a code is 824, as the redemption would be (our reading: the check answers what the
   * redemption will), whatever `skip_validation` says.
   */
  checkOffered(customer: Customer, code: string | undefined): [number, string] | undefined {
    if (code) return this.matches(customer, code) ? undefined : [808, 'Unable to redeem. Validation code is invalid'];
    return this.state.config.validationRequired ? [824, 'Mobile validation is mandatory for redemption'] : undefined;
  }

  /**
   * A coupon redemption's verdict: "Validation code: 725 required, 705 invalid" (vendors.md §2). 725 only
   * on an org requiring validation; a code sent is checked on any org (our reading). vendors.md documents
   * no call that issues a coupon's code (coupon/redeem takes a `"validation_code"?`): the sandbox's own
   * reading is that the customer's current code from points/validationcode is the one accepted.
   */
  checkCoupon(customer: Customer, code: string): [number, string] | undefined {
    if (code) return this.matches(customer, code) ? undefined : [705, 'Validation code is invalid'];
    return this.state.config.validationRequired ? [725, 'Validation code is required'] : undefined;
  }

  private matches(customer: Customer, code: string): boolean {
    return this.current(customer, Date.now())?.code === code;
  }

  private current(customer: Customer, nowMs: number) {
    const validityMs = this.state.config.validationCodeValidityMinutes * 60_000;
    return this.state.validationCodes.filter((c) => c.userId === customer.userId && nowMs - c.issuedAtMs < validityMs).at(-1);
  }
}

function answer(echo: Record<string, string>, code: 200 | 816, message: string) {
  return {
    response: {
      status: status(code === 200 ? 200 : 500),
      validation_code: { ...echo, item_status: { success: String(code === 200), code: String(code), message } },
    },
  };
}
