import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { KeyThrottlerGuard, principalOf } from './key-throttler.guard';

/**
 * API keys and the two global guards, in this order: ApiKeyGuard names the caller (401/403), then
 * KeyThrottlerGuard counts the request against that key's limit (429).
 */
@Module({
  imports: [
    ThrottlerModule.forRoot({
      throttlers: [
        {
          // The default name keeps the headers plain: X-RateLimit-Limit/-Remaining/-Reset, Retry-After.
          ttl: 60_000,
          limit: (context) => principalOf(context)?.rateLimitPerMinute ?? 1,
          // A sliding window: Retry-After is when the oldest counted request leaves it.
          blockDuration: 0,
        },
      ],
    }),
  ],
  providers: [
    { provide: ApiKeyStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new ApiKeyStore(dataSource) },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
  ],
  exports: [ApiKeyStore],
})
export class AccessModule {}
