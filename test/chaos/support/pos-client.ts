import { FINAL_STATES, type CheckoutState } from '../../../workflows/checkout.contract';
import { eventually } from '../../support/eventually';
import { callApi, type HttpAnswer } from './chaos-http';

export interface PosCheckout {
  posReference: string;
  checkoutId?: string;
  /** Every POST answer (first call and retries after 503), in order. */
  answers: Array<Pick<HttpAnswer, 'status' | 'ms'> & { at: number; retryAfter?: string; replayed?: string }>;
  /** The final state as the POS last saw it (after polling a 202), or undefined when it never got one. */
  finalState?: CheckoutState;
  /** When the POS learnt the final state (the POST's answer or a GET after a 202). */
  finalAt?: number;
  /** From the first POST to the final answer. */
  totalMs: number;
  startedAt: number;
}

export interface PosBehaviour {
  /** Give up retrying and polling after this long. */
  deadlineMs: number;
  /** A till polls a 202 this often. */
  pollEveryMs?: number;
}

/**
 * A till doing a one-shot checkout the way the API asks it to: a 503 is retried with the same body
 * after Retry-After, a 202 is polled with GET until the checkout is final. The answers are kept so
 * a scenario can count 5xx and measure latency.
 */
export async function runPosCheckout(apiUrl: string, posReference: string, body: unknown, behaviour: PosBehaviour): Promise<PosCheckout> {
  const startedAt = Date.now();
  const deadline = startedAt + behaviour.deadlineMs;
  const result: PosCheckout = { posReference, answers: [], totalMs: 0, startedAt };
  let answer: HttpAnswer;
  for (;;) {
    answer = await callApi(apiUrl, 'POST', '/v1/checkouts', body);
    const retryAfter = answer.headers.get('retry-after') ?? undefined;
    result.answers.push({ status: answer.status, ms: answer.ms, at: Date.now(), retryAfter, replayed: answer.headers.get('idempotent-replayed') ?? undefined });
    const again = answer.status === 503 || answer.status === 0;
    if (!again || Date.now() > deadline) break;
    await sleep(retryAfter ? Number(retryAfter) * 1000 : 1000);
  }
  const checkoutId: string | undefined = answer.body?.checkoutId;
  result.checkoutId = checkoutId;
  const isFinal = (state?: CheckoutState) => state !== undefined && FINAL_STATES.includes(state);
  let state = answer.body?.state as CheckoutState | undefined;
  if (checkoutId && (answer.status === 202 || (state && !isFinal(state))) && Date.now() < deadline) {
    const polled = await eventually(
      () => callApi(apiUrl, 'GET', `/v1/checkouts/${encodeURIComponent(checkoutId)}`),
      (a) => a.status === 200 && isFinal(a.body.state),
      { timeoutMs: deadline - Date.now(), intervalMs: behaviour.pollEveryMs ?? 500 },
    );
    if (polled.status === 200) state = polled.body.state;
  }
  result.finalState = isFinal(state) ? state : undefined;
  result.finalAt = result.finalState ? Date.now() : undefined;
  result.totalMs = Date.now() - startedAt;
  return result;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
