import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Request } from 'express';
import { parseApiKey } from '../../core/access/api-key-format';
import type { ApiKeyStore } from '../../core/access/api-key.store';
import { roleAllows } from '../../core/access/roles';
import type { AppConfig } from '../../core/config/app-config';
import { ProblemException } from '../common/problem';
import { outsideKeyScope } from '../access/principal';
import { unauthorized as unauthorizedProblem } from '../access/api-key.guard';

/** Who decoded or encoded payloads: logged and written to security_events with every call. */
export type CodecCaller =
  | { kind: 'api-key'; keyId: string; merchant: string }
  | { kind: 'oidc'; subject: string }
  | { kind: 'ui-token' };

/**
 * Who may use the codec, one rule for people and programs. The codec holds the key to every payload,
 * so it is closed to everyone but:
 * - a **merchant-wide** `ops` (or `admin`) API key: the CLI (`temporal workflow show --codec-auth`),
 *   scripts. A store-scoped ops key is refused: payloads of every store pass through the codec.
 * - the Temporal UI's **OIDC access token** (`codec.passAccessToken`), verified against the issuer's
 *   keys (CODEC_OIDC_ISSUER, CODEC_OIDC_AUDIENCE, CODEC_OIDC_JWKS_URL): production, where the UI
 *   signs ops in.
 * - the **UI's own token** in the endpoint's path (`/v1/codec/ui/<TEMPORAL_UI_CODEC_TOKEN>/decode`),
 *   decode only, outside production: `npm start` makes a new one each start and gives it to the UI
 *   it runs on loopback, so whoever can open that UI reads its payloads, and nobody else.
 * And every call names the namespace (`X-Namespace`, as the UI and CLI send it): only ours.
 */
export class CodecAccess {
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: Pick<ApiKeyStore, 'authenticate'>,
  ) {
    this.jwks = config.CODEC_OIDC_JWKS_URL ? createRemoteJWKSet(new URL(config.CODEC_OIDC_JWKS_URL)) : undefined;
  }

  /** The caller of `/v1/codec/{decode,encode}`, or a 400/401/403 problem. */
  async authorise(request: Request): Promise<CodecCaller> {
    const caller = await this.authenticate(request);
    this.checkNamespace(request);
    return caller;
  }

  private async authenticate(request: Request): Promise<CodecCaller> {
    const bearer = bearerToken(request);
    if (!bearer) throw unauthorized('Send a merchant-wide ops API key, or the Temporal UI\'s access token: Authorization: Bearer <token>');
    if (parseApiKey(bearer)) return this.apiKeyCaller(bearer);
    if (this.jwks) return this.oidcCaller(bearer);
    throw unauthorized('The API key is unknown or revoked', 'invalid_token');
  }

  /** The caller of `/v1/codec/ui/{token}/decode`: the token must be this process's UI token. */
  authoriseUi(request: Request, token: string): CodecCaller {
    const expected = this.config.TEMPORAL_UI_CODEC_TOKEN;
    if (!expected || !sameText(token, expected)) {
      // As if the route did not exist: a guess learns nothing.
      throw new ProblemException({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no such codec endpoint' });
    }
    this.checkNamespace(request);
    return { kind: 'ui-token' };
  }

  private async apiKeyCaller(presented: string): Promise<CodecCaller> {
    const principal = await this.keys.authenticate(presented);
    if (!principal) throw unauthorized('The API key is unknown or revoked', 'invalid_token');
    if (!roleAllows(principal.role, ['ops', 'admin'])) {
      throw new ProblemException({ type: '/problems/forbidden-role', title: "The API key's role may not call this endpoint", status: 403, detail: `role ${principal.role} is not one of ops, admin` });
    }
    if (principal.store !== null || principal.till !== null) {
      // The codec reads the payloads of every store: a key scoped to one may not.
      throw outsideKeyScope([{ field: 'store', message: `is ${principal.store}: the codec takes a merchant-wide key (it reads the payloads of every store)` }]);
    }
    return { kind: 'api-key', keyId: principal.keyId, merchant: principal.merchant };
  }

  private async oidcCaller(token: string): Promise<CodecCaller> {
    try {
      const { payload } = await jwtVerify(token, this.jwks as JWTVerifyGetKey, {
        issuer: this.config.CODEC_OIDC_ISSUER,
        audience: this.config.CODEC_OIDC_AUDIENCE,
      });
      if (!payload.sub) throw new Error('no subject');
      return { kind: 'oidc', subject: payload.sub };
    } catch {
      // Expired, another issuer or audience, a bad signature: the UI signs in again.
      throw unauthorized('The access token is not valid for this codec', 'invalid_token');
    }
  }

  private checkNamespace(request: Request): void {
    const namespace = request.headers['x-namespace'];
    if (typeof namespace !== 'string' || !namespace.length) {
      throw new ProblemException({
        type: '/problems/invalid-request',
        title: 'The request is invalid',
        status: 400,
        errors: [{ field: 'X-Namespace', message: 'must name the Temporal namespace of the payloads' }],
      });
    }
    if (namespace !== this.config.TEMPORAL_NAMESPACE) forbiddenNamespace(namespace);
  }
}

function forbiddenNamespace(namespace: string): never {
  throw new ProblemException({
    type: '/problems/forbidden-namespace',
    title: 'The codec does not serve this namespace',
    status: 403,
    detail: `X-Namespace ${JSON.stringify(namespace.slice(0, 64))} is not this deployment's namespace`,
  });
}

function bearerToken(request: Request): string | undefined {
  const authorization = request.headers.authorization;
  return (authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]) || undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function unauthorized(detail: string, error?: 'invalid_token'): ProblemException {
  return unauthorizedProblem(detail, error, 'A valid API key or access token is required');
}
