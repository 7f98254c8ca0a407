/**
 * A customer identifier's value as Capillary is sent it: a phone without "+", spaces, dashes, dots or
 * brackets (+91 99999-99999 and 919999999999 are one customer), anything else trimmed. One function
 * for the adapter and for the API's "same customer" checks (retro-tagging), so the two never differ.
 */
export function capillaryIdentifierValue(identifier: { type: string; value: string }): string {
  return identifier.type === 'phone' ? identifier.value.replace(/[\s+\-().]/g, '') : identifier.value.trim();
}
