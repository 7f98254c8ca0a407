import type { CustomerIdentifier, EnrolmentDetails, PointsCustomer } from './capabilities';
import type { CapillaryClient } from './capillary-client';
import { CODES, VENDOR, dig, expectItem, failure, list, num, readStatus, reasonFor, str, v11Items, v11Request, type Item, type Json } from './capillary-envelope';
import { identifierValue, isCard, lookupKey, requireKey, unsupportedIdentifier } from './capillary-identifiers';
import type { VendorCallContext } from './vendor-call';
import { vendorRejection, vendorUnavailable } from './vendor-errors';
import type { VendorResponse } from './vendor-http';

/** Where a redemption history answer keeps each kind's rows: `points.point`, `coupons.coupon`. */
const REDEMPTION_ROW = { points: 'point', coupons: 'coupon' } as const;

/**
 * Capillary's customer endpoints: finding (and enrolling) the loyalty customer, and the customer's
 * redemption history, which points and coupons search when a reply was lost.
 */
export class CapillaryCustomers {
  constructor(private readonly client: CapillaryClient) {}

  async find(ctx: VendorCallContext, identifier: CustomerIdentifier, options: { enrol?: boolean | EnrolmentDetails } = {}): Promise<PointsCustomer> {
    const found = await this.get(ctx, identifier, requireLookupKey(identifier));
    if ('customer' in found) return found.customer;
    if (!options.enrol) {
      throw vendorRejection({ vendor: VENDOR, code: String(found.notFound), reason: reasonFor(found.notFound) });
    }
    // "at least one of mobile / email / external_id" (vendors.md §2, Enrol): a card alone enrols nobody.
    const key = requireKey(identifier);
    // customer/add has no undo and none is needed (vendors.md §2). The guide: "In case of API failure,
    // retry for 2 more times with a sleep time of 5 seconds"; our step's retries do that, and a lost
    // reply is harmless because every attempt starts with customer/get (lookup-before-retry) and finds
    // the customer this call created.
    const details = options.enrol === true ? {} : options.enrol;
    const res = await this.client.call<Json>(ctx, {
      operation: 'customer.add',
      method: 'POST',
      path: '/v1.1/customer/add',
      body: { root: { customer: [{ ...enrolmentFields(details), [key]: identifierValue(identifier), type: 'LOYALTY', source: 'INSTORE' }] } },
    }, (r) => ({ vendorReference: str(customerItem(r, 'customer.add').data.user_id) ?? null }));
    return toPointsCustomer(identifier, customerItem(res, 'customer.add').data);
  }

  /**
   * An identifier every documented call takes: a card is looked up (customer/get by `card_number`) and
   * its customer named by mobile, else e-mail, else external id. An unknown card is a rejection (1012).
   */
  async documented(ctx: VendorCallContext, identifier: CustomerIdentifier): Promise<CustomerIdentifier> {
    if (!isCard(identifier)) return identifier;
    return (await this.find(ctx, identifier)).identifier;
  }

  /** GET v1.1/customer/redemptions, one kind at a time: the customer's rows of that kind. */
  async redemptions(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string, type: 'points' | 'coupons'): Promise<Json[]> {
    const res = await this.client.call<Json>(ctx, {
      operation: `customer.redemptions.${type}`,
      method: 'GET',
      path: '/v1.1/customer/redemptions',
      query: { type, [key]: identifierValue(identifier) },
    }, (r) => (redemptionHistory(r), {}));
    return list(dig(redemptionHistory(res), type, REDEMPTION_ROW[type]));
  }

  private async get(ctx: VendorCallContext, identifier: CustomerIdentifier, key: string): Promise<{ customer: PointsCustomer } | { notFound: number }> {
    const found = (c: number) => c === 1000 || CODES.customerNotFound.has(c);
    const res = await this.client.call<Json>(ctx, {
      operation: 'customer.get',
      method: 'GET',
      path: '/v1.1/customer/get',
      query: { user_id: 'true', [key]: identifierValue(identifier) },
    }, (r) => ({ vendorReference: str(customerItem(r, 'customer.get', found).data.user_id) ?? null }));
    const item = customerItem(res, 'customer.get', found);
    return item.status.code === 1000 ? { customer: toPointsCustomer(identifier, item.data) } : { notFound: item.status.code };
  }
}

/** The customer/add sample's fields (test/fixtures/capillary/customer-add.request.json) the till's details fill. */
function enrolmentFields(details: EnrolmentDetails): Json {
  return {
    ...(details.mobile && { mobile: identifierValue({ type: 'phone', value: details.mobile }) }),
    ...(details.email && { email: details.email.trim() }),
    ...(details.firstName && { firstname: details.firstName }),
    ...(details.lastName && { lastname: details.lastName }),
  };
}

function customerItem(res: VendorResponse<unknown>, operation: string, ok: (code: number) => boolean = (c) => c === 1000): Item {
  return expectItem(v11Items(v11Request(res, operation), ['customers', 'customer']), operation, res, ok);
}

/** The customer as later calls name them: a card's customer by the documented identifier customer/get answered. */
function toPointsCustomer(asked: CustomerIdentifier, data: Json): PointsCustomer {
  const identifier = isCard(asked) ? documentedIdentifierOf(data) : asked;
  const userId = str(data.user_id);
  const balance = num(data.loyalty_points);
  return { identifier, ...(userId && { vendorCustomerId: userId }), ...(balance !== undefined && { pointsBalance: balance }) };
}

function documentedIdentifierOf(data: Json): CustomerIdentifier {
  const mobile = str(data.mobile);
  const email = str(data.email);
  const externalId = str(data.external_id);
  if (mobile) return { type: 'phone', value: mobile };
  if (email) return { type: 'email', value: email };
  if (externalId) return { type: 'externalId', value: externalId };
  throw vendorUnavailable(VENDOR, 'customer.get: a card\'s customer without mobile, e-mail or external id');
}

function requireLookupKey(identifier: CustomerIdentifier): string {
  const key = lookupKey(identifier);
  if (!key) throw vendorRejection({ vendor: VENDOR, ...unsupportedIdentifier(identifier) });
  return key;
}

/**
 * The customer's redemption history. A lookup must not read a failed answer as "nothing found" (that
 * would redeem twice): only an answer that lists the customer, or says the customer is unknown, counts.
 */
function redemptionHistory(res: VendorResponse<unknown>): unknown {
  const root = v11Request(res, 'customer.redemptions');
  const customer = list(root.customer)[0];
  if (!customer) throw vendorUnavailable(VENDOR, 'customer.redemptions: answer without customer', { httpStatus: res.status, response: res.body });
  const status = readStatus(customer.item_status);
  if (status && !status.success && !CODES.customerNotFound.has(status.code)) throw failure(status.code, status.message, 'customer.redemptions', res);
  return customer.redemptions;
}
