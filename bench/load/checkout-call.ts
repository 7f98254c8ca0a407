import type { Pool } from 'undici';

export interface CheckoutAnswer {
  status: number;
  body: { state?: string; detail?: string; error?: string; [field: string]: unknown } | null;
  /** HTTP status and the answer's state and detail, for the error tally. */
  error: string;
}

/** One JSON POST of the load generator (a pos key as bearer token when given); the answer's body parsed. */
export async function postCheckoutCall(pool: Pool, path: string, body: unknown, apiKey?: string, headers: Record<string, string> = {}): Promise<CheckoutAnswer> {
  const res = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey && { authorization: `Bearer ${apiKey}` }), ...headers },
    body: JSON.stringify(body),
  });
  const answer = (await res.body.json().catch(() => null)) as CheckoutAnswer['body'];
  return { status: res.statusCode, body: answer, error: `HTTP ${res.statusCode} ${answer?.state ?? ''} ${answer?.detail ?? answer?.error ?? ''}`.trim() };
}
