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
import type { RefusedAccess } from '../access/refused-access';

export type CodecOperation = 'decode' | 'encode';

/** Who decoded or encoded payloads: logged and written to security_events with every call. */
export type CodecCaller =
  | { kind: 'api-key'; keyId: string; merchant: string }
  | { kind: 'oidc'; subject: string }
  | { kind: 'ui-token' };

/** The caller as security_events.actor names it, and as the codec's rate limit counts it. */
export function codecActor(caller: CodecCaller): string {
  if (caller.kind === 'api-key') return `key:${caller.keyId}`;
  if (caller.kind === 'oidc') return `oidc:${caller.subject.slice(0, 128)}`;
  return 'ui-token';
}

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
    /** Every refusal is a security event: 401s as failed authentications, a known caller's 403 and 429 as a refused decode or encode. */
    private readonly refusals: Pick<RefusedAccess, 'authenticationFailed' | 'refused'>,
  ) {
    this.jwks = config.CODEC_OIDC_JWKS_URL ? createRemoteJWKSet(new URL(config.CODEC_OIDC_JWKS_URL)) : undefined;
  }

  /**
   * The caller of `/v1/codec/decode` or `/encode`, or a 400/401/403 problem. Encoding makes payloads
   * the worker accepts (it refuses plain ones), so only an admin key may: people decode only.
   */
  async authorise(request: Request, operation: CodecOperation): Promise<CodecCaller> {
    const caller = await this.authenticate(request, operation, operation === 'encode' ? ['admin'] : ['ops', 'admin']);
    if (operation === 'encode' && caller.kind !== 'api-key') {
      throw await this.refuse(request, operation, caller, 'role', forbiddenRole('the Temporal UI decodes only: encoding payloads takes an admin key of the deployment'));
    }
    await this.checkNamespace(request, operation, caller);
    return caller;
  }

  /** The caller of `/v1/codec/ui/{token}/decode`: the token must be this process's UI token. */
  async authoriseUi(request: Request, token: string): Promise<CodecCaller> {
    const expected = this.config.TEMPORAL_UI_CODEC_TOKEN;
    if (!expected || !sameText(token, expected)) {
      await this.refusals.authenticationFailed(null, 'invalid-token', sourceOf(request));
      // As if the route did not exist: a guess learns nothing.
      throw new ProblemException({ type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no such codec endpoint' });
    }
    const caller: CodecCaller = { kind: 'ui-token' };
    await this.checkNamespace(request, 'decode', caller);
    return caller;
  }

  /** Records a known caller's refused call (403, or the rate limit's 429) as a security event. */
  async refused(request: Request, operation: CodecOperation, caller: CodecCaller, reason: string): Promise<void> {
    await this.refusals.refused({
      event: operation === 'decode' ? 'payload_decode' : 'payload_encode',
      actor: codecActor(caller),
      merchant: caller.kind === 'api-key' ? caller.merchant : null,
      reason,
      source: sourceOf(request),
    });
  }

  private async refuse(request: Request, operation: CodecOperation, caller: CodecCaller, reason: string, problem: ProblemException): Promise<ProblemException> {
    await this.refused(request, operation, caller, reason);
    return problem;
  }

  private async authenticate(request: Request, operation: CodecOperation, roles: Role[]): Promise<CodecCaller> {
    const bearer = bearerToken(request);
    if (!bearer) {
      await this.refusals.authenticationFailed(null, 'missing', sourceOf(request));
      throw unauthorized('Send a merchant-wide ops API key, or the Temporal UI\'s access token: Authorization: Bearer <token>');
    }
    if (parseApiKey(bearer)) return this.apiKeyCaller(request, operation, bearer, roles);
    if (this.jwks) return this.oidcCaller(request, operation, bearer);
    await this.refusals.authenticationFailed(null, 'malformed', sourceOf(request));
    throw unauthorized('The API key is unknown or revoked', 'invalid_token');
  }

  private async apiKeyCaller(request: Request, operation: CodecOperation, presented: string, roles: Role[]): Promise<CodecCaller> {
    const principal = await this.keys.authenticate(presented);
    if (!principal) {
      // Only the public key id is recorded, never what was presented.
      await this.refusals.authenticationFailed(parseApiKey(presented)?.keyId ?? null, 'unknown-or-revoked', sourceOf(request));
      throw unauthorized('The API key is unknown or revoked', 'invalid_token');
    }
    const caller: CodecCaller = { kind: 'api-key', keyId: principal.keyId, merchant: principal.merchant };
    if (!roleAllows(principal.role, roles)) {
      throw await this.refuse(request, operation, caller, 'role', forbiddenRole(`role ${principal.role} is not one of ${roles.join(', ')}`));
    }
    // The codec reads the payloads of every store of every merchant the deployment serves: only the
    // deployment's own merchant (MERCHANT_ID), with a key for all of it.
    if (principal.merchant !== this.config.MERCHANT_ID) {
      throw await this.refuse(request, operation, caller, 'merchant', outsideKeyScope([{ field: 'merchant', message: "is not the deployment's merchant (MERCHANT_ID): the codec reads every merchant's payloads" }]));
    }
    if (principal.store !== null || principal.till !== null) {
      throw await this.refuse(request, operation, caller, 'scope', outsideKeyScope([{ field: 'store', message: `is ${principal.store}: the codec takes a merchant-wide key (it reads the payloads of every store)` }]));
    }
    return caller;
  }

  private async oidcCaller(request: Request, operation: CodecOperation, token: string): Promise<CodecCaller> {
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
      await this.refusals.authenticationFailed(null, 'invalid-token', sourceOf(request));
      throw unauthorized('The access token is not valid for this codec', 'invalid_token');
    }
    const caller: CodecCaller = { kind: 'oidc', subject };
    // Signed in is not enough: whoever may use the UI is not everyone who may read customers' payloads.
    const group = this.config.CODEC_OIDC_REQUIRED_GROUP as string;
    const member = Array.isArray(groups) ? groups.includes(group) : groups === group;
    if (!member) throw await this.refuse(request, operation, caller, 'group', forbiddenRole(`the access token's ${this.config.CODEC_OIDC_GROUPS_CLAIM} claim does not name ${group}`));
    return caller;
  }

  private async checkNamespace(request: Request, operation: CodecOperation, caller: CodecCaller): Promise<void> {
    const namespace = request.headers['x-namespace'];
    if (typeof namespace !== 'string' || !namespace.length) {
      throw new ProblemException({
        type: '/problems/invalid-request',
        title: 'The request is invalid',
        status: 400,
        errors: [{ field: 'X-Namespace', message: 'must name the Temporal namespace of the payloads' }],
      });
    }
    if (namespace !== this.config.TEMPORAL_NAMESPACE) throw await this.refuse(request, operation, caller, 'namespace', forbiddenNamespace(namespace));
  }
}

function sourceOf(request: Request): string {
  return request.ip ?? 'unknown';
}

function forbiddenNamespace(namespace: string): ProblemException {
  return new ProblemException({
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
