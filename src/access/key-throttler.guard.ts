import { Injectable, type ExecutionContext } from '@nestjs/common';
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
    throw new ProblemException({
      type: '/problems/rate-limited',
      title: 'Too many requests for this API key',
      status: 429,
      detail: `this key may make ${detail.limit} requests a minute; retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    });
  }
}

export function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
}
