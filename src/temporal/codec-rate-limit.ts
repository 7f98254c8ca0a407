import type { ThrottlerStorage } from '@nestjs/throttler';
import { ProblemException } from '../common/problem';
import { codecActor, type CodecCaller } from './codec-access';

const WINDOW_MS = 60_000;
/** The storage's throttler name for these counters (the API's own are `default` and `expensive`). */
const THROTTLER = 'codec';

/**
 * The codec's rate limit, per caller (CODEC_RATE_LIMIT_PER_MINUTE), on the API's throttler storage:
 * the codec route is open to the global key guard (the UI sends no API key), so the per-key limits do
 * not count it. A sliding minute, in this process's memory like the API's own limits.
 */
export class CodecRateLimit {
  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly perMinute: number,
  ) {}

  /** Counts the call, or throws the 429 (Retry-After: when the oldest counted call leaves the minute). */
  async admit(caller: CodecCaller): Promise<void> {
    const hit = await this.storage.increment(`${THROTTLER}:${codecActor(caller)}`, WINDOW_MS, this.perMinute, 0, THROTTLER);
    if (!hit.isBlocked) return;
    const retryAfterSeconds = Math.max(1, hit.timeToBlockExpire);
    throw new ProblemException({
      type: '/problems/rate-limited',
      title: 'Too many codec calls',
      status: 429,
      detail: `this caller may make ${this.perMinute} codec calls a minute; retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    });
  }
}
