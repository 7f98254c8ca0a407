import { Injectable, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ProblemException } from '../common/problem';
import type { Principal } from './principal';

/**
 * Rate limits per API key, after ApiKeyGuard has named the caller: counted on the key id, with the
 * key's own limit per minute. Public routes (no principal) are not limited. The counters live in
 * this process's memory, so N API processes allow up to N times a key's limit.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !principalOf(context);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return (req.principal as Principal).keyId;
  }

  /** One counter per key across all routes (the default counts per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    const expensive = detail.key.startsWith(`${EXPENSIVE_THROTTLER}:`);
    throw new ProblemException({
      type: '/problems/rate-limited',
      title: 'Too many requests for this API key',
      status: 429,
      detail: expensive
        ? `this key may make ${detail.limit} expensive requests (reports, audit verify, batch upload, product sync) a minute; retry after ${retryAfterSeconds} s`
        : `this key may make ${detail.limit} requests a minute; retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    });
  }
}

/** The throttler of the expensive routes' budget (access.module.ts); its counters are keyed `expensive:<key id>`. */
export const EXPENSIVE_THROTTLER = 'expensive';
const EXPENSIVE_METADATA = Symbol('access:expensive');

/**
 * Marks a route as expensive: besides the key's own limit, it counts against the key's budget for
 * expensive calls (API_KEY_EXPENSIVE_RATE_LIMIT_PER_MINUTE), so a key cannot spend its whole limit on them.
 */
export const Expensive = () => SetMetadata(EXPENSIVE_METADATA, true);

export function isExpensive(context: ExecutionContext): boolean {
  return Reflect.getMetadata(EXPENSIVE_METADATA, context.getHandler()) === true;
}

export function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
}
