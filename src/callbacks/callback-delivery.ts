import { request } from 'undici';
import { toApiMoney } from '../common/money-view';
import type { ClaimedCallback } from '../../core/callbacks/callback-outbox.repository';
import type { CallbackSecret } from '../../core/callbacks/callback-secret-box';
import { signedCallbackHeaders } from '../../core/callbacks/callback-signature';

export const CALLBACK_EVENT_TYPE = 'checkout.ended';

/** What one POST came to: `httpStatus` null when no answer came (refused, reset, timed out). */
export interface CallbackAttempt {
  delivered: boolean;
  httpStatus: number | null;
  /** A short reason for ops and the audit row; never the receiver's body. */
  error: string | null;
  latencyMs: number;
}

/** The body: the checkout as GET /v1/checkouts/{id} showed it when it ended (money as decimal strings). */
export function callbackBody(event: ClaimedCallback): string {
  return JSON.stringify({
    eventId: event.eventId,
    type: CALLBACK_EVENT_TYPE,
    checkoutId: event.checkoutId,
    state: event.state,
    occurredAt: event.occurredAt,
    view: toApiMoney(event.view, event.currency),
  });
}

/**
 * One signed POST, with its own timeout; redirects are not followed (a receiver that moved is
 * reconfigured, not chased). Any 2xx is delivered; the answer's body is read and dropped.
 */
export async function postCallback(event: ClaimedCallback & { url: string }, secret: CallbackSecret, timeoutMs: number, now = new Date()): Promise<CallbackAttempt> {
  const body = callbackBody(event);
  const headers = signedCallbackHeaders(secret, event.eventId, Math.floor(now.getTime() / 1000), body);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await request(event.url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    const delivered = res.statusCode >= 200 && res.statusCode < 300;
    return { delivered, httpStatus: res.statusCode, error: delivered ? null : `HTTP ${res.statusCode}`, latencyMs: latency() };
  } catch (err) {
    return { delivered: false, httpStatus: null, error: transportError(err), latencyMs: latency() };
  }
}

/** The fault's name and code only: a message may quote the URL, which may carry a token. */
function transportError(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  return (e.code ?? e.cause?.code ?? e.name ?? 'error').slice(0, 60);
}
