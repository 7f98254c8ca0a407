/** What one HTTP call to the API came to; status 0 when the API itself could not be reached. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  // The API's JSON (a checkout view or problem+json); untyped on purpose, the checks read it.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/**
 * Every call the chaos suite makes to the API goes through here, so the one place that will add
 * the API key's Authorization header (issue 6) is this function.
 */
/** The key every chaos call sends (an admin key of the stack's merchant: checkouts and audit verify alike). */
let apiKey: string | undefined;
export function useApiKey(key: string): void {
  apiKey = key;
}

export async function callApi(baseUrl: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 180_000): Promise<HttpAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(apiKey && { authorization: `Bearer ${apiKey}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: res.status, headers: res.headers, body: parsed, ms: Date.now() - started };
  } catch (err) {
    return { status: 0, headers: new Headers(), body: { error: String(err) }, ms: Date.now() - started };
  }
}
