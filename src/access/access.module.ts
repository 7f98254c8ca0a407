import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { ApiKeyGuard } from './api-key.guard';
import { RefusedAccess } from './refused-access';
import { SecurityEventsController } from './security-events.controller';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { EXPENSIVE_THROTTLER, isExpensive, KeyThrottlerGuard, principalOf } from './key-throttler.guard';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../../core/config/app-config';

/**
 * API keys and the two global guards, in this order: ApiKeyGuard names the caller (401/403), then
 * KeyThrottlerGuard counts the request against that key's limit, and an @Expensive route also against
 * the key's budget for expensive calls (429 either way).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            // The default name keeps the headers plain: X-RateLimit-Limit/-Remaining/-Reset, Retry-After.
            ttl: 60_000,
            limit: (context) => principalOf(context)?.rateLimitPerMinute ?? 1,
            // A sliding window: Retry-After is when the oldest counted request leaves it.
            blockDuration: 0,
          },
          {
            // A second budget per key, on top of the first, for the routes marked @Expensive (reports,
            // audit verify, batch upload, product sync): each costs far more than a checkout call.
            name: EXPENSIVE_THROTTLER,
            ttl: 60_000,
            limit: (context) => Math.min(config.API_KEY_EXPENSIVE_RATE_LIMIT_PER_MINUTE, principalOf(context)?.rateLimitPerMinute ?? 1),
            blockDuration: 0,
            skipIf: (context) => !isExpensive(context),
          },
        ],
      }),
    }),
  ],
  providers: [
    {
      provide: ApiKeyStore,
      inject: [DataSource, APP_CONFIG],
      useFactory: (dataSource: DataSource, config: AppConfig) => new ApiKeyStore(dataSource, Date.now, config.API_KEY_STALE_IF_UNAVAILABLE_MS),
    },
    {
      provide: RefusedAccess,
      inject: [DataSource, ApiKeyStore, APP_CONFIG],
      useFactory: (dataSource: DataSource, keys: ApiKeyStore, config: AppConfig) => new RefusedAccess(dataSource, keys, config.FAILED_AUTH_EVENT_WINDOW_MS),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
  ],
  controllers: [SecurityEventsController],
  // The codec (src/temporal) decides its own access, and records its refusals and counts its calls with these.
  exports: [ApiKeyStore, RefusedAccess, ThrottlerModule],
})
export class AccessModule {}
