import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Request } from 'express';
import { parseApiKey } from '../../core/access/api-key-format';
import type { ApiKeyStore } from '../../core/access/api-key.store';
import { roleAllows, type Role } from '../../core/access/roles';
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
 * - a **merchant-wide** `ops` (or `admin`) API key of the deployment's merchant (MERCHANT_ID): the CLI
 *   (`temporal workflow show --codec-auth`), scripts. A store-scoped key, or another merchant's, is
 *   refused: payloads of every store and merchant pass through the codec. Encoding: `admin` only.
 * - the Temporal UI's **OIDC access token** (`codec.passAccessToken`), verified against the issuer's
 *   keys (CODEC_OIDC_ISSUER, CODEC_OIDC_AUDIENCE, CODEC_OIDC_JWKS_URL) and naming the ops group
 *   (CODEC_OIDC_REQUIRED_GROUP in CODEC_OIDC_GROUPS_CLAIM): production, where the UI signs ops in. Decode only.
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

  /**
   * The caller of `/v1/codec/decode` or `/encode`, or a 400/401/403 problem. Encoding makes payloads
   * the worker accepts (it refuses plain ones), so only an admin key may: people decode only.
   */
  async authorise(request: Request, operation: 'decode' | 'encode'): Promise<CodecCaller> {
    const caller = await this.authenticate(request, operation === 'encode' ? ['admin'] : ['ops', 'admin']);
    if (operation === 'encode' && caller.kind !== 'api-key') {
      throw forbiddenRole('the Temporal UI decodes only: encoding payloads takes an admin key of the deployment');
    }
    this.checkNamespace(request);
    return caller;
  }

  private async authenticate(request: Request, roles: Role[]): Promise<CodecCaller> {
    const bearer = bearerToken(request);
    if (!bearer) throw unauthorized('Send a merchant-wide ops API key, or the Temporal UI\'s access token: Authorization: Bearer <token>');
    if (parseApiKey(bearer)) return this.apiKeyCaller(bearer, roles);
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

  private async apiKeyCaller(presented: string, roles: Role[]): Promise<CodecCaller> {
    const principal = await this.keys.authenticate(presented);
    if (!principal) throw unauthorized('The API key is unknown or revoked', 'invalid_token');
    if (!roleAllows(principal.role, roles)) throw forbiddenRole(`role ${principal.role} is not one of ${roles.join(', ')}`);
    // The codec reads the payloads of every store of every merchant the deployment serves: only the
    // deployment's own merchant (MERCHANT_ID), with a key for all of it.
    if (principal.merchant !== this.config.MERCHANT_ID) {
      throw outsideKeyScope([{ field: 'merchant', message: "is not the deployment's merchant (MERCHANT_ID): the codec reads every merchant's payloads" }]);
    }
    if (principal.store !== null || principal.till !== null) {
      throw outsideKeyScope([{ field: 'store', message: `is ${principal.store}: the codec takes a merchant-wide key (it reads the payloads of every store)` }]);
    }
    return { kind: 'api-key', keyId: principal.keyId, merchant: principal.merchant };
  }

  private async oidcCaller(token: string): Promise<CodecCaller> {
    let subject: string;
    let groups: unknown;
    try {
      const { payload } = await jwtVerify(token, this.jwks as JWTVerifyGetKey, {
        issuer: this.config.CODEC_OIDC_ISSUER,
        audience: this.config.CODEC_OIDC_AUDIENCE,
      });
      if (!payload.sub) throw new Error('no subject');
      subject = payload.sub;
      groups = payload[this.config.CODEC_OIDC_GROUPS_CLAIM];
    } catch {
      // Expired, another issuer or audience, a bad signature: the UI signs in again.
      throw unauthorized('The access token is not valid for this codec', 'invalid_token');
    }
    // Signed in is not enough: whoever may use the UI is not everyone who may read customers' payloads.
    const group = this.config.CODEC_OIDC_REQUIRED_GROUP as string;
    const member = Array.isArray(groups) ? groups.includes(group) : groups === group;
    if (!member) throw forbiddenRole(`the access token's ${this.config.CODEC_OIDC_GROUPS_CLAIM} claim does not name ${group}`);
    return { kind: 'oidc', subject };
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

function forbiddenRole(detail: string): ProblemException {
  return new ProblemException({ type: '/problems/forbidden-role', title: "The caller's role may not call this endpoint", status: 403, detail });
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
