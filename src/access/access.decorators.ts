import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  DECORATORS,
} from '@nestjs/swagger';
import type { Principal } from './principal';
import type { Role } from '../../core/access/roles';

export const ROLES_METADATA = Symbol('access:roles');
export const PUBLIC_METADATA = Symbol('access:public');
/** The two ways to send a key, as OpenAPI security schemes (api-app.ts declares them). */
export const BEARER_SCHEME = 'api-key';
export const HEADER_SCHEME = 'x-api-key';

/**
 * The roles that may call a route (`admin` always may). A route without @Roles or @Public is
 * refused to everyone (deny by default). The roles are written into the OpenAPI description and
 * the `x-roles` extension, which the access matrix test reads.
 */
export function Roles(...roles: Role[]) {
  const allowed = roles.includes('admin') ? roles : [...roles, 'admin' as const];
  const list = allowed.map((r) => `\`${r}\``).join(', ');
  return applyDecorators(
    SetMetadata(ROLES_METADATA, allowed),
    describeRoles(`Roles: ${list}. The key's merchant, store and till scope what it sees.`),
    ApiExtension('x-roles', allowed),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(HEADER_SCHEME),
    ApiUnauthorizedResponse({ description: 'No API key, or an unknown or revoked one (problem+json, WWW-Authenticate)' }),
    ApiForbiddenResponse({ description: `The key's role is not one of ${list}, or the request lies outside its scope (problem+json)` }),
    ApiTooManyRequestsResponse({ description: "Over the key's rate limit: retry after Retry-After seconds (problem+json)" }),
    ApiServiceUnavailableResponse({ description: 'The database or the workflow engine cannot be reached: retry the same request after Retry-After seconds (problem+json)' }),
  );
}

/**
 * Appends the roles to the operation's description, keeping a description the route gives itself
 * with @ApiOperation below @Roles (one above it replaces the text; the matrix test would notice).
 */
function describeRoles(text: string): MethodDecorator {
  return (_target, _key, descriptor) => {
    const previous = (Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value as object) ?? {}) as { description?: string };
    const description = [previous.description, text].filter(Boolean).join('\n\n');
    Reflect.defineMetadata(DECORATORS.API_OPERATION, { summary: '', ...previous, description }, descriptor.value as object);
    return descriptor;
  };
}

/** A route anyone may call without a key (health, the API description). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/** The calling key, set by ApiKeyGuard; only on routes with @Roles. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('@Caller() used on a route without @Roles()');
  return principal;
});
