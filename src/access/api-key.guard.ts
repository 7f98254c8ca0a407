import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '../common/problem';
import { PUBLIC_METADATA, ROLES_METADATA } from './access.decorators';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { parseApiKey } from '../../core/access/api-key-format';
import { RefusedAccess } from './refused-access';
import type { Principal } from './principal';
import { roleAllows, type Role } from '../../core/access/roles';

/**
 * The global guard: deny by default. A route is open only with @Public(); otherwise it needs a
 * valid key (401) whose role its @Roles() allows (403). A route that declares neither is refused
 * to every key, so a forgotten decorator closes a route rather than opening it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyStore) private readonly keys: ApiKeyStore,
    @Inject(RefusedAccess) private readonly refusals: RefusedAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const presented = presentedKey(request);
    const source = request.ip ?? 'unknown';
    if (!presented) {
      await this.refusals.authenticationFailed(null, 'missing', source);
      throw unauthorized('Send an API key: Authorization: Bearer <key> (or X-API-Key: <key>)');
    }
    const principal = await this.keys.authenticate(presented);
    if (!principal) {
      // Only the public key id is recorded, never what was presented.
      const keyId = parseApiKey(presented)?.keyId ?? null;
      await this.refusals.authenticationFailed(keyId, keyId ? 'unknown-or-revoked' : 'malformed', source);
      throw unauthorized('The API key is unknown or revoked', 'invalid_token');
    }
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_METADATA, targets) ?? [];
    if (!allowed.length || !roleAllows(principal.role, allowed)) {
      throw new ProblemException({
        type: '/problems/forbidden-role',
        title: "The API key's role may not call this endpoint",
        status: 403,
        detail: allowed.length
          ? `role ${principal.role} is not one of ${allowed.join(', ')}`
          : 'this endpoint declares no roles, so no key may call it',
      });
    }
    return true;
  }
}

function presentedKey(request: Request): string | undefined {
  const authorization = request.headers.authorization;
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.length ? header.trim() : undefined;
}

/** 401 problem+json with RFC 6750's WWW-Authenticate; the codec (which also takes access tokens) names its own title. */
export function unauthorized(detail: string, error?: 'invalid_token', title = 'A valid API key is required'): ProblemException {
  return new ProblemException({
    type: '/problems/unauthorized',
    title,
    status: 401,
    detail,
    // RFC 6750: the filter turns this into the WWW-Authenticate header.
    wwwAuthenticate: `Bearer realm="checkout-saga"${error ? `, error="${error}"` : ''}`,
  });
}
