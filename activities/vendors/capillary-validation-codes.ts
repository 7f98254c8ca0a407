import type { CustomerIdentifier } from './capabilities';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import { VENDOR, expectItem, v11Items, v11Request, type Json } from './capillary-envelope';
import { identifierValue, requireKey } from './capillary-identifiers';
import type { VendorCallContext } from './vendor-call';
import { failureDetails, vendorRejection } from './vendor-errors';
import type { VendorResponse } from './vendor-http';
import { OTP_RATE_LIMITED } from '../../workflows/capillary-validation-code.contract';

/**
 * Mobile validation codes (OTPs): vendors.md §2 "Issue OTP | `GET v1.1/points/validationcode?mobile=…&points=N`
 * | item code 200 "Validation Code Issued". A repeat request inside the validity window re-sends **the
 * same code**." So a repeated request (a retry, a till asking again) is harmless: no lookup is needed
 * before it, and no code ever comes back to us (it goes to the customer's phone).
 */
export class CapillaryValidationCodes {
  constructor(
    private readonly client: CapillaryClient,
    private readonly customers: CapillaryCustomers,
  ) {}

  /** Finds the customer first (an unknown one is a rejection with Capillary's not-found code, nothing sent), then asks for the code. */
  async request(ctx: VendorCallContext, identifier: CustomerIdentifier, points: number): Promise<{ sent: true }> {
    // The lookup also names a card's customer as points/validationcode documents it (mobile, e-mail, external id).
    const customer = (await this.customers.find(ctx, identifier)).identifier;
    const key = requireKey(customer);
    let res: VendorResponse<Json>;
    try {
      res = await this.client.call<Json>(ctx, {
        operation: 'points.validationcode',
        method: 'GET',
        path: '/v1.1/points/validationcode',
        query: { points, [key]: identifierValue(customer) },
      }, (r) => (issued(r), {}));
    } catch (err) {
      // vendors.md §2, Rate limits: "HTTP 429 (OTP generation: 10 OTPs per user per day by default)":
      // a per-day limit, which no retry 5 s later lifts. The customer's, not the vendor's, fault.
      if (failureDetails(err).httpStatus === 429) {
        throw vendorRejection({ vendor: VENDOR, code: OTP_RATE_LIMITED, reason: 'The customer was sent as many validation codes as the loyalty programme allows for now' });
      }
      throw err;
    }
    issued(res);
    return { sent: true };
  }
}

/** The answer's one item must say 200 "Validation Code Issued"; 816, 860 and the rest are rejections. */
function issued(res: Parameters<typeof v11Request>[0]) {
  return expectItem(v11Items(v11Request(res, 'points.validationcode'), ['validation_code']), 'points.validationcode', res, (c) => c === 200);
}
