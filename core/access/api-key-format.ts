import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key's text: `cs_<keyId>_<secret>`. The `cs_` prefix lets secret scanners and people
 * recognise it; the key id (12 hex digits, public) finds the row without a scan; the secret is 32
 * random bytes in base64url. Only SHA-256 of the whole text is stored: with 256 random bits there
 * is nothing to brute-force, so a slow password hash would only slow every request.
 */
const KEY_PATTERN = /^cs_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  keyId: string;
  key: string;
  hash: string;
}

export function generateApiKey(): GeneratedKey {
  const keyId = randomBytes(6).toString('hex');
  const key = `cs_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashApiKey(key) };
}

/** The key id of a well-formed key, or undefined (then the caller answers 401 without a lookup). */
export function parseApiKey(text: string): { keyId: string } | undefined {
  const match = KEY_PATTERN.exec(text);
  return match ? { keyId: match[1] } : undefined;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
