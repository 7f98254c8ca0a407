import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptors, Next } from '@temporalio/worker';
import { compensationAttempts } from '../../activities/metrics/worker-metrics';

/** The saga's undo activities: their attempts are the compensations ops watch. */
export const UNDO_ACTIVITIES = new Set(['voidLoyaltyPurchase', 'reversePoints', 'releaseCoupon']);

/**
 * One log line per failed activity attempt through the activity's own logger (so it carries the
 * workflow id, activity type and attempt), and the compensation counters.
 */
class ActivityObservability implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const activity = this.ctx.info.activityType;
    const undo = UNDO_ACTIVITIES.has(activity);
    try {
      const result = await next(input);
      if (undo) compensationAttempts.inc({ activity, outcome: 'done' });
      return result;
    } catch (err) {
      if (undo) compensationAttempts.inc({ activity, outcome: 'failed' });
      const failure = err as Error & { type?: string };
      this.ctx.log.warn('activity attempt failed', { errorType: failure.type ?? failure.name, error: failure.message });
      throw err;
    }
  }
}

export function activityObservability(ctx: Context): ActivityInterceptors {
  return { inbound: new ActivityObservability(ctx) };
}
