import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ApiKeyStore } from '../../core/access/api-key.store';
import { recordSecurityEvent } from '../../core/security/security-events';

/** Why a request had no valid key. */
export type AuthenticationFailure = 'missing' | 'malformed' | 'unknown-or-revoked';

interface Bucket {
  keyId: string | null;
  merchant: string | null;
  source: string;
  reason: AuthenticationFailure;
  /** Failures after the first, not written yet. */
  pending: number;
}

/** Distinct (key id, source) pairs counted at once; beyond it, failures go to one `overflow` bucket. */
const MAX_BUCKETS = 10_000;

/**
 * Failed authentications as security events, rate-limited: per key id (or `missing`/`malformed`) and
 * source address, the first failure of a window is written at once (count 1) and the window's later
 * ones as one row with their count when it closes (FAILED_AUTH_EVENT_WINDOW_MS). So a flood of bad
 * keys writes at most two rows per key id and source per window, and memory holds at most MAX_BUCKETS.
 * Only the public key id is kept, never the presented key.
 */
@Injectable()
export class FailedAuthentications implements OnModuleDestroy {
  private readonly log = new Logger(FailedAuthentications.name);
  private buckets = new Map<string, Bucket>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeyStore,
    windowMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), windowMs);
    this.timer.unref();
  }

  async record(keyId: string | null, reason: AuthenticationFailure, source: string): Promise<void> {
    let id = `${keyId ?? reason}|${source}`;
    if (!this.buckets.has(id) && this.buckets.size >= MAX_BUCKETS) id = 'overflow';
    const bucket = this.buckets.get(id);
    if (bucket) {
      bucket.pending++;
      return;
    }
    const overflow = id === 'overflow';
    const fresh: Bucket = { keyId: overflow ? null : keyId, merchant: null, source: overflow ? 'many' : source, reason, pending: 0 };
    this.buckets.set(id, fresh);
    await this.write(fresh, 1, async () => {
      fresh.merchant = fresh.keyId ? await this.keys.merchantOf(fresh.keyId) : null;
    });
  }

  /** Writes the pending counts and starts a new window for every key id and source. */
  async flush(): Promise<void> {
    const closing = this.buckets;
    this.buckets = new Map();
    for (const bucket of closing.values()) if (bucket.pending > 0) await this.write(bucket, bucket.pending);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** A failed write is logged, not thrown: the caller still gets its 401. */
  private async write(bucket: Bucket, count: number, before?: () => Promise<void>): Promise<void> {
    try {
      await before?.();
      await recordSecurityEvent(this.dataSource, {
        event: 'authentication_failed',
        merchant: bucket.merchant,
        actor: 'anonymous',
        subject: bucket.keyId,
        outcome: 'refused',
        count,
        source: bucket.source,
        detail: { reason: bucket.reason },
      });
    } catch (err) {
      this.log.warn(`security event authentication_failed not written: ${(err as Error).message}`);
    }
  }
}
