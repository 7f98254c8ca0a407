import { capillaryIdentifierValue } from '../../core/customers/capillary-identifier-value';
import type { CustomerIdentifier } from './capabilities';
import { VENDOR } from './capillary-envelope';
import { vendorRejection } from './vendor-errors';

/**
 * How a request names the customer: v1.1 as a query or body key, v2 as an identifier type. Points,
 * coupons, bills and the customer lookup all name the customer the same way.
 */

export function v11Key(identifier: CustomerIdentifier): 'mobile' | 'email' | 'external_id' | undefined {
  switch (identifier.type) {
    case 'phone':
      return 'mobile';
    case 'email':
      return 'email';
    case 'externalId':
      return 'external_id';
    default:
      return undefined;
  }
}

export function v2Type(identifier: CustomerIdentifier): 'mobile' | 'email' | 'externalId' | undefined {
  const key = v11Key(identifier);
  return key === 'external_id' ? 'externalId' : key;
}

/**
 * The customer/get key: the documented ones and, for a card, `card_number` (vendors.md §2, Find customer:
 * "`GET v1.1/customer/get?mobile=…` (or `email`, `external_id`, `card_number`, `card_external_id`)").
 * Only customer/get is documented with a card, so every other call names a card's customer by the
 * mobile, e-mail or external id customer/get answers (CapillaryCustomers.documented).
 */
export function lookupKey(identifier: CustomerIdentifier): 'mobile' | 'email' | 'external_id' | 'card_number' | 'card_external_id' | undefined {
  if (identifier.type === 'card') return 'card_number';
  if (identifier.type === 'cardExternalId') return 'card_external_id';
  return v11Key(identifier);
}

/** A card's number or external id: looked up, then named the documented way (CapillaryCustomers.documented). */
export function isCard(identifier: CustomerIdentifier): boolean {
  return identifier.type === 'card' || identifier.type === 'cardExternalId';
}

/** The v1.1 key for this identifier; an identifier Capillary cannot search by is a rejection. */
export function requireKey(identifier: CustomerIdentifier) {
  const key = v11Key(identifier);
  if (!key) throw vendorRejection({ vendor: VENDOR, ...unsupportedIdentifier(identifier) });
  return key;
}

/** Capillary keeps mobiles as digits with the country code ("919999999999"); POS input may carry "+", spaces, dashes. */
export function identifierValue(identifier: CustomerIdentifier): string {
  return capillaryIdentifierValue(identifier);
}

export function unsupportedIdentifier(identifier: CustomerIdentifier): { code: string; reason: string } {
  return { code: 'UNSUPPORTED_IDENTIFIER', reason: `Capillary finds customers by mobile, e-mail, external id or card, not by ${identifier.type}` };
}
