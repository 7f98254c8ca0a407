import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { CreateCheckoutDto } from './dto/create-checkout.dto';

/**
 * The request's fingerprint kept in the saga's memo: the same checkout key with another fingerprint
 * is a different sale reusing the key (409). One function for POST /v1/checkouts and batch uploads,
 * so a sale uploaded in a batch after a one-shot POST of the same sale is recognised as a replay.
 */
export function checkoutRequestHash(dto: CreateCheckoutDto): string {
  return createHash('sha256').update(stringify(dto) ?? '').digest('hex');
}
