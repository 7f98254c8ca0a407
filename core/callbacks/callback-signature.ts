import { createHmac } from 'node:crypto';

/** The headers every callback POST carries (README "Callbacks"). */
export const CALLBACK_HEADERS = {
  eventId: 'Checkout-Saga-Event-Id',
  timestamp: 'Checkout-Saga-Timestamp',
  signature: 'Checkout-Saga-Signature',
  keyId: 'Checkout-Saga-Key-Id',
} as const;

/**
 * Stripe-style: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp is inside
 * the signed text, so a receiver that refuses old timestamps refuses replays of a captured POST.
 */
export function callbackSignature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The signed headers of one attempt: `body` is sent exactly as signed. */
export function signedCallbackHeaders(secret: { id: string; value: string }, eventId: string, unixSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [CALLBACK_HEADERS.eventId]: eventId,
    [CALLBACK_HEADERS.timestamp]: String(unixSeconds),
    [CALLBACK_HEADERS.signature]: callbackSignature(secret.value, unixSeconds, body),
    [CALLBACK_HEADERS.keyId]: secret.id,
  };
}
