import { createHmac } from 'node:crypto';

/**
 * A customer reference finance can group and join by without holding personal data: an
 * HMAC-SHA256 of the identifier under AUDIT_HMAC_KEY. Without the key it cannot be reversed by
 * hashing every phone number, which a plain hash of a phone number could.
 */
export class CustomerRefHasher {
  constructor(private readonly key: string) {}

  /** `hmac:` + hex; the type is part of the input so a phone and an equal-looking code differ. */
  refOf(identifier: { type: string; value: string }): string {
    const normalised = identifier.value.trim().toLowerCase();
    return `hmac:${createHmac('sha256', this.key).update(`${identifier.type}:${normalised}`).digest('hex')}`;
  }

  /** A keyed digest of any text that may hold customer identifiers (a step's arguments): never reversible by brute force without the key. */
  digestOf(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }
}
