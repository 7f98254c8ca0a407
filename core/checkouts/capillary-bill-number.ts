import { createHash } from 'node:crypto';
import { checkoutReference, type CheckoutKey } from '../../workflows/checkout.contract';

/** vendors.md §2, Add transaction: "Bill `number` ≤ 50 chars [doc K8]". */
export const CAPILLARY_BILL_NUMBER_MAX_LENGTH = 50;
/** Characters of the digest in a compact bill number: 16 base32 characters, 80 bits of SHA-256. */
const DIGEST_LENGTH = 16;
/** Crockford's base32: digits and upper-case letters without I, L, O and U, so no two read alike. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The longest POS reference a compact bill number holds: 50 minus "-" and the digest. */
export const COMPACT_BILL_POS_REFERENCE_MAX_LENGTH = CAPILLARY_BILL_NUMBER_MAX_LENGTH - 1 - DIGEST_LENGTH;

export type BillNumberChoice = { billNumber: string } | { refusal: string };

/**
 * The Capillary bill number of a checkout, chosen once at reserve (the saga carries it; see
 * capillaryBillNumberOf). The checkout reference `merchant:store:till:posReference` when Capillary
 * takes it as it is (at most 50 characters and in the org's format, CONF_CLIENT_BILL_NO_REGEX), so
 * every bill number that worked before stays what it was; otherwise the compact
 * `<posReference>-<digest>`: the POS's own reference, readable on the bill, and 16 base32 characters
 * of the SHA-256 of the whole key, which tells apart the same POS reference at other stores and
 * tills (Capillary keeps bill numbers unique across the org). Both hold nothing but the key, which
 * holds no personal data, and never collide: a checkout reference has three ':' and a compact one none.
 * A refusal (no bill number fits) names why, for the POS.
 */
export function chooseCapillaryBillNumber(key: CheckoutKey, orgFormat: RegExp): BillNumberChoice {
  const fits = (bill: string) => bill.length <= CAPILLARY_BILL_NUMBER_MAX_LENGTH && orgFormat.test(bill);
  const reference = checkoutReference(key);
  if (fits(reference)) return { billNumber: reference };
  if (key.posReference.length > COMPACT_BILL_POS_REFERENCE_MAX_LENGTH) {
    return {
      refusal:
        `is longer than ${COMPACT_BILL_POS_REFERENCE_MAX_LENGTH} characters: a checkout billed at Capillary carries it in its ` +
        `bill number, which Capillary limits to ${CAPILLARY_BILL_NUMBER_MAX_LENGTH} characters`,
    };
  }
  const compact = `${key.posReference}-${keyDigest(reference)}`;
  if (fits(compact)) return { billNumber: compact };
  return { refusal: `makes the Capillary bill number "${compact}", which the Capillary org's bill number format ${orgFormat.source} refuses` };
}

/** The first 80 bits of SHA-256(text) in Crockford base32. */
function keyDigest(text: string): string {
  const bytes = createHash('sha256').update(text, 'utf8').digest();
  let out = '';
  for (let bit = 0; out.length < DIGEST_LENGTH; bit += 5) {
    const byte = bit >> 3;
    const word = ((bytes[byte] << 8) | bytes[byte + 1]) >> (11 - (bit & 7));
    out += BASE32[word & 31];
  }
  return out;
}
