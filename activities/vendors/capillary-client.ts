import { VENDOR, authRejection, dig, isAuthFailure, num, obj, str, type Json } from './capillary-envelope';
import type { CallFacts, VendorCallContext } from './vendor-call';
import { isRejection, rejectionDetails, vendorRejection, vendorUnavailable } from './vendor-errors';
import { VendorHttp, type VendorResponse, type VendorHttpOptions } from './vendor-http';
import { TokenCache, type IssuedToken } from './token-cache';

export interface CapillaryOptions extends Pick<VendorHttpOptions, 'circuit'> {
  baseUrl: string;
  oauthKey: string;
  oauthSecret: string;
  timeoutMs: number;
}

export interface CapillaryCall {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Renew this long before the token's ttl ends (a fifth of a short ttl) so no call carries a dying token. */
const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * Transport to Capillary InTouch: server-to-server OAuth, every call attributed to the till. One client
 * per adapter, shared by its points, coupon and transaction parts, so they share one token.
 */
export class CapillaryClient {
  private readonly http: VendorHttp;
  private readonly tokens = new TokenCache(() => this.requestToken());

  constructor(private readonly options: CapillaryOptions) {
    this.http = new VendorHttp(VENDOR, options.timeoutMs, { circuit: options.circuit });
  }

  /** One audited call with the OAuth token and the till attribution; a refused token is renewed once. */
  async call<B>(ctx: VendorCallContext, call: CapillaryCall, interpret: (res: VendorResponse<B>) => CallFacts): Promise<VendorResponse<B>> {
    const url = new URL(`${this.options.baseUrl}${call.path}`);
    // v1.1 answers XML unless told otherwise.
    if (call.path.startsWith('/v1.1/')) url.searchParams.set('format', 'json');
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.tokens.withToken(
      (token) =>
        this.http.audited<B>(
          ctx,
          {
            operation: call.operation,
            method: call.method,
            url: url.toString(),
            headers: {
              'x-cap-api-oauth-token': token,
              'x-cap-api-attribution-entity-type': 'TILL',
              'x-cap-api-attribution-entity-code': ctx.till,
            },
            body: call.body,
          },
          (res) => {
            if (isAuthFailure(res)) throw authRejection(res);
            return interpret(res);
          },
        ),
      (err) => isRejection(err) && rejectionDetails(err)?.code === '401',
    );
  }

  /** Not audited: the body is the OAuth secret, and the answer is the token. */
  private async requestToken(): Promise<IssuedToken> {
    const issuedAt = Date.now();
    const res = await this.http.send<Json>({
      operation: 'oauth.token.generate',
      method: 'POST',
      url: `${this.options.baseUrl}/v3/oauth/token/generate`,
      body: { key: this.options.oauthKey, secret: this.options.oauthSecret },
    });
    const data = obj(res.body?.data);
    const accessToken = str(data?.accessToken);
    if (!accessToken) {
      const code = num(dig(res.body, 'errors', 'code'));
      if (res.status >= 400 || code !== undefined) {
        throw vendorRejection({ vendor: VENDOR, code: String(code ?? `HTTP_${res.status}`), reason: 'Capillary refused the OAuth key and secret', httpStatus: res.status });
      }
      throw vendorUnavailable(VENDOR, 'oauth.token.generate: answer without accessToken', { httpStatus: res.status });
    }
    const ttlMs = (num(data?.ttlSeconds) ?? 300) * 1000;
    return { value: accessToken, renewAt: issuedAt + ttlMs - Math.min(TOKEN_RENEW_MARGIN_MS, ttlMs / 5) };
  }
}
