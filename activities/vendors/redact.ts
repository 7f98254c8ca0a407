/**
 * Audit excerpts and logs must never hold secrets or personal data. Redaction is by key name, deep,
 * because vendor bodies nest identifiers (rewards_participant_identifier.access_token_identifier...).
 */
const SENSITIVE_KEYS = new Set(
  [
    'token', 'access_token', 'api_key', 'apikey', 'authorization', 'password', 'client_secret',
    'authentication_code', 'email', 'email_address', 'phone', 'mobile', 'phone_number', 'name',
    'first_name', 'last_name', 'firstname', 'lastname', 'card_number', 'address', 'birthday',
    'date_of_birth', 'birthdate', 'gender', 'cardnumber', 'customeremail', 'customerphone', 'salesperson',
    // Coupontools returns the customer's whole profile under `user`; a store's validation PIN is a secret.
    'user', 'redeem_location_pincode',
    // CRM.COM's customer identification medium (a card or phone code).
    'cim', 'title',
    // Capillary: v2 identifiers carry the phone in `identifier.value`; OTPs and extended profile fields.
    'identifier', 'external_id', 'externalid', 'validation_code', 'extended_fields', 'custom_fields',
    'accesstoken', 'secret',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
