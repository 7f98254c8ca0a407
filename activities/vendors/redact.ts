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
    // CRM.COM back-office spend secrets: the OTP spend token and the contact's pass code (under any
    // configured field name ending so: CRMCOM_OTP_FIELD, CRMCOM_PASS_CODE_FIELD), and ours on the input.
    'otp', 'pass_code', 'passcode', 'spendotp', 'spendpasscode',
    // Our own names for a Capillary validation code (OTP) and the card identifier, should an excerpt carry them.
    'validationcode', 'card_external_id',
  ].map((k) => k.toLowerCase()),
);

/** Key shapes the list cannot enumerate: every vendor names e-mails, phones, names and tokens its own way. */
const SENSITIVE_KEY_PATTERN =
  /email|phone|mobile|msisdn|password|secret|token$|otp$|pass_?code|birth|address|card_?number|^pan$|first_?name|last_?name|full_?name|middle_?name|surname|^dob$|postcode|postal_?code|^street/i;

export const REDACTED = '[redacted]';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) || SENSITIVE_KEY_PATTERN.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;
/** A phone, card or account number: 7 or more digits, possibly grouped by spaces, dots or dashes. */
const LONG_NUMBER = /\+?\d(?:[\s.-]?\d){6,}/g;

/**
 * Vendors' own words (a Capillary status message, a CRM.COM description) can echo the identifier
 * we searched for: "Customer 919999999999 not found". Failure messages reach the workflow history,
 * the worker log and the audit row, so e-mail addresses and long numbers are masked in them.
 */
export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(LONG_NUMBER, '[number]');
}
