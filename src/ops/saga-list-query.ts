import { CHECKOUT_STATES, SearchAttributes, type CheckoutState } from '../../workflows/checkout.contract';

/** The vendors a checkout can touch: the values CheckoutVendors holds. */
export const KNOWN_VENDORS = ['crmcom', 'capillary', 'coupontools', 'cmc'] as const;
/** Store and till ids as the checkout DTO accepts them; nothing that could close a quoted string. */
export const SAFE_ID = /^[A-Za-z0-9_.-]{1,40}$/;

export interface SagaListFilter {
  state?: CheckoutState;
  store?: string;
  till?: string;
  vendor?: (typeof KNOWN_VENDORS)[number];
}

/** Checkout sagas of both types: v1 sagas still running are listed beside v2 ones until none is left. */
export const CHECKOUT_SAGA_TYPES_CLAUSE = `WorkflowType IN ("checkoutWorkflow", "checkoutWorkflowV2")`;

/**
 * The Temporal visibility query for a filter. The DTO validated every value (a known state or
 * vendor, a store/till of SAFE_ID characters); this checks again so that no caller can ever
 * concatenate a quote into the query, whatever validated it.
 */
export function sagaListQuery(merchant: string, filter: SagaListFilter): string {
  const clauses = [CHECKOUT_SAGA_TYPES_CLAUSE, equals(SearchAttributes.merchant.name, merchant)];
  if (filter.state !== undefined) {
    if (!CHECKOUT_STATES.includes(filter.state)) throw new Error(`unknown checkout state ${filter.state}`);
    clauses.push(equals(SearchAttributes.state.name, filter.state));
  }
  if (filter.store !== undefined) clauses.push(equals(SearchAttributes.store.name, filter.store));
  if (filter.till !== undefined) clauses.push(equals(SearchAttributes.till.name, filter.till));
  if (filter.vendor !== undefined) {
    if (!KNOWN_VENDORS.includes(filter.vendor)) throw new Error(`unknown vendor ${filter.vendor}`);
    clauses.push(equals(SearchAttributes.vendors.name, filter.vendor));
  }
  return clauses.join(' AND ');
}

function equals(attribute: string, value: string): string {
  if (!SAFE_ID.test(value)) throw new Error(`${attribute} value is not a safe identifier`);
  return `${attribute} = "${value}"`;
}
