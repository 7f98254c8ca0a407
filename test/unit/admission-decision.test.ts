import { decideAdmission, SNAPSHOT_STALE_MS, type AdmissionInput } from '../../src/admission/admission-decision';

describe(decideAdmission.name, () => {
  const now = 1_000_000;
  const healthyQueue = { backlogCount: 0, backlogAgeMs: 0, pollers: 1, readAt: now - 100 };
  const input = (over: Partial<AdmissionInput>): AdmissionInput => ({ budgetMs: 2_000, budgetShare: 0.5, inFlight: 0, limit: 10, queue: healthyQueue, now, ...over });

  it('admits while under the limit, with workers and no backlog beyond the budget share', () => {
    expect(decideAdmission(input({ inFlight: 9, queue: { ...healthyQueue, backlogCount: 3, backlogAgeMs: 999 } }))).toEqual({ admit: true });
  });

  it('sheds at the limit of requests in flight, Retry-After 1 s', () => {
    expect(decideAdmission(input({ inFlight: 10 }))).toMatchObject({ admit: false, reason: 'in-flight', retryAfterSeconds: 1 });
  });

  it("sheds when the task queue's oldest task has waited the budget's share, Retry-After its age", () => {
    const decision = decideAdmission(input({ queue: { ...healthyQueue, backlogCount: 40, backlogAgeMs: 2_300 } }));
    expect(decision).toMatchObject({ admit: false, reason: 'backlog', retryAfterSeconds: 3 });
    // A one-shot's 5 s budget tolerates that wait.
    expect(decideAdmission(input({ budgetMs: 5_000, queue: { ...healthyQueue, backlogCount: 40, backlogAgeMs: 2_300 } }))).toEqual({ admit: true });
    // Retry-After stays within 30 s however old the backlog.
    expect(decideAdmission(input({ queue: { ...healthyQueue, backlogAgeMs: 600_000 } }))).toMatchObject({ retryAfterSeconds: 30 });
  });

  it('sheds when no worker polls the task queue, before anything else', () => {
    expect(decideAdmission(input({ queue: { ...healthyQueue, pollers: 0 } }))).toMatchObject({ admit: false, reason: 'no-worker', retryAfterSeconds: 5 });
  });

  it('ignores a stale or missing snapshot (Temporal slow to describe): the in-flight limit still holds', () => {
    const stale = { ...healthyQueue, pollers: 0, readAt: now - SNAPSHOT_STALE_MS - 1 };
    expect(decideAdmission(input({ queue: stale }))).toEqual({ admit: true });
    expect(decideAdmission(input({ queue: undefined }))).toEqual({ admit: true });
    expect(decideAdmission(input({ queue: undefined, inFlight: 10 }))).toMatchObject({ reason: 'in-flight' });
  });
});
