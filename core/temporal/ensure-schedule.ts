import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, type ScheduleOptionsAction } from '@temporalio/client';

/**
 * Creates a Temporal Schedule, or brings an existing one up to date (its spec, action and the
 * policies given; its state, paused or not, and anything else set by hand stay): every start may
 * call it, and a changed setting (an interval, a task queue) reaches the running schedule.
 */
export async function ensureSchedule<A extends ScheduleOptionsAction>(client: Client, options: ScheduleOptions<A>): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}
