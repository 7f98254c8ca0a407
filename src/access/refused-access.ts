import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ApiKeyStore } from '../../core/access/api-key.store';
import { recordSecurityEvent, type SecurityEventKind } from '../../core/security/security-events';

/** Why a request had no valid key. */
export type AuthenticationFailure = 'missing' | 'malformed' | 'unknown-or-revoked' | 'invalid-token';

/** A request refused after its caller was named (a codec call by a key or token that may not make it). */
export interface Refusal {
  event: Extract<SecurityEventKind, 'payload_decode' | 'payload_encode'>;
  /** As security_events.actor: `key:<id>`, `oidc:<subject>`, `ui-token`. */
  actor: string;
  merchant: string | null;
  /** Why, in a word or two: `role`, `scope`, `namespace`, `rate-limited`… */
  reason: string;
  source: string;
}

interface Bucket {
  event: SecurityEventKind;
  actor: string;
  /** authentication_failed: the key id presented (public), if any. */
  keyId: string | null;
  merchant: string | null;
  source: string;
  reason: string;
  /** Refusals after the first, not written yet. */
  pending: number;
}

/**
 * Distinct (who, why, source) buckets counted at once, of each kind: failed authentications (anyone can
 * make up key ids) and known callers' refusals (each needs a valid credential) have a cap each, so a flood
 * of made-up keys cannot hide who is being refused. Beyond it, a kind's refusals go to one `overflow`
 * bucket per event.
 */
const MAX_BUCKETS = 10_000;
type BucketKind = 'auth' | 'caller';

/**
 * Refused requests as security events, rate-limited: failed authentications (no key, a malformed,
 * unknown or revoked one, an invalid access token) and codec calls refused to a known caller. Per
 * (event, who, why, source), the first refusal of a window is written at once (count 1) and the
 * window's later ones as one row with their count when it closes (FAILED_AUTH_EVENT_WINDOW_MS). So a
 * flood writes at most two rows per bucket per window, and memory holds at most MAX_BUCKETS. Only the
 * public key id is kept, never the presented key or token.
 */
@Injectable()
export class RefusedAccess implements OnModuleDestroy {
  private readonly log = new Logger(RefusedAccess.name);
  private buckets = new Map<string, Bucket>();
  private sizes: Record<BucketKind, number> = { auth: 0, caller: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: Pick<ApiKeyStore, 'merchantOf'>,
    windowMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), windowMs);
    this.timer.unref();
  }

  /** A request without a valid key or token (401). The key id's merchant is looked up once per window. */
  async authenticationFailed(keyId: string | null, reason: AuthenticationFailure, source: string): Promise<void> {
    await this.count('auth', `auth|${keyId ?? reason}|${source}`, { event: 'authentication_failed', actor: 'anonymous', keyId, merchant: null, source, reason }, async (b) => {
      b.merchant = b.keyId ? await this.keys.merchantOf(b.keyId) : null;
    });
  }

  /** A known caller refused (403, 429). */
  async refused(r: Refusal): Promise<void> {
    await this.count('caller', `${r.event}|${r.actor}|${r.reason}|${r.source}`, { event: r.event, actor: r.actor, keyId: null, merchant: r.merchant, source: r.source, reason: r.reason });
  }

  /** Writes the pending counts and starts a new window for every bucket. */
  async flush(): Promise<void> {
    const closing = this.buckets;
    this.buckets = new Map();
    this.sizes = { auth: 0, caller: 0 };
    for (const bucket of closing.values()) if (bucket.pending > 0) await this.write(bucket, bucket.pending);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async count(kind: BucketKind, id: string, first: Omit<Bucket, 'pending'>, before?: (b: Bucket) => Promise<void>): Promise<void> {
    let overflow = false;
    if (!this.buckets.has(id) && this.sizes[kind] >= MAX_BUCKETS) [id, overflow] = [`overflow|${first.event}`, true];
    const bucket = this.buckets.get(id);
    if (bucket) {
      bucket.pending++;
      return;
    }
    const fresh: Bucket = overflow ? { ...first, actor: 'anonymous', keyId: null, merchant: null, source: 'many', reason: 'overflow', pending: 0 } : { ...first, pending: 0 };
    this.buckets.set(id, fresh);
    if (!overflow) this.sizes[kind]++;
    await this.write(fresh, 1, overflow ? undefined : before);
  }

  /** A failed write is logged, not thrown: the caller still gets its 401, 403 or 429. */
  private async write(bucket: Bucket, count: number, before?: (b: Bucket) => Promise<void>): Promise<void> {
    try {
      await before?.(bucket);
      await recordSecurityEvent(this.dataSource, {
        event: bucket.event,
        merchant: bucket.merchant,
        actor: bucket.actor,
        subject: bucket.event === 'authentication_failed' ? bucket.keyId : null,
        outcome: 'refused',
        count,
        source: bucket.source,
        detail: { reason: bucket.reason },
      });
    } catch (err) {
      this.log.warn(`security event ${bucket.event} not written: ${(err as Error).message}`);
    }
  }
}
