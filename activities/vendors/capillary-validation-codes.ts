import type { CustomerIdentifier } from './capabilities';
import type { CapillaryClient } from './capillary-client';
import type { CapillaryCustomers } from './capillary-customers';
import { expectItem, v11Items, v11Request, type Json } from './capillary-envelope';
import { identifierValue, requireKey } from './capillary-identifiers';
import type { VendorCallContext } from './vendor-call';

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
    const key = requireKey(identifier);
    await this.customers.find(ctx, identifier);
    const res = await this.client.call<Json>(ctx, {
      operation: 'points.validationcode',
      method: 'GET',
      path: '/v1.1/points/validationcode',
      query: { points, [key]: identifierValue(identifier) },
    }, (r) => (issued(r), {}));
    issued(res);
    return { sent: true };
  }
}

/** The answer's one item must say 200 "Validation Code Issued"; 816, 860 and the rest are rejections. */
function issued(res: Parameters<typeof v11Request>[0]) {
  return expectItem(v11Items(v11Request(res, 'points.validationcode'), ['validation_code']), 'points.validationcode', res, (c) => c === 200);
}
