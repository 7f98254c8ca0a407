import type { CheckoutTransition } from '../../workflows/checkout.contract';

/** What a test file's mocked activities were called with, and the transitions they were asked to record. */
export interface ActivityCalls {
  calls: string[];
  transitions: CheckoutTransition[];
}

/**
 * The calling file's activity log, emptied before each test. The arrays themselves stay, so mocks
 * that were handed them keep writing to the current test's log.
 */
export function activityCallsPerTest(): ActivityCalls {
  const log: ActivityCalls = { calls: [], transitions: [] };
  beforeEach(() => {
    log.calls.length = 0;
    log.transitions.length = 0;
  });
  return log;
}
