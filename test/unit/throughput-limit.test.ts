import { ThroughputLimit } from '../../src/admission/throughput-limit';

describe(ThroughputLimit.name, () => {
  const settings = { minInFlight: 2, maxInFlight: 50, budgetShare: 0.5, windowMs: 2_000 };

  function limitAt(clock: { now: number }) {
    return new ThroughputLimit(settings, () => clock.now);
  }

  it('admits the floor while no throughput is known (an idle engine takes a small burst)', () => {
    const limit = limitAt({ now: 0 });
    expect(limit.throughput()).toBe(0);
    expect(limit.limitFor(2_000)).toBe(2);
  });

  it("follows Little's law: answers per second x budget x share, for each request's own budget", () => {
    const clock = { now: 0 };
    const limit = limitAt(clock);
    // 20 answers within the 2 s window: 10 answers/s.
    for (let i = 0; i < 20; i++) {
      limit.acquire();
      clock.now += 50;
      limit.release(true);
    }
    expect(limit.throughput()).toBe(10);
    expect(limit.limitFor(2_000)).toBe(10); // 10/s x 2 s x 0.5
    expect(limit.limitFor(5_000)).toBe(25); // a one-shot's 5 s budget admits more in flight
    expect(limit.limitFor(60_000)).toBe(50); // never above the ceiling
  });

  it('forgets answers older than the window: a stalled engine falls back to the floor', () => {
    const clock = { now: 0 };
    const limit = limitAt(clock);
    for (let i = 0; i < 40; i++) {
      limit.acquire();
      limit.release(true);
    }
    expect(limit.limitFor(2_000)).toBe(20);
    clock.now += 2_001;
    expect(limit.throughput()).toBe(0);
    expect(limit.limitFor(2_000)).toBe(2);
  });

  it('counts requests in flight, and only answers as throughput (not errors)', () => {
    const limit = limitAt({ now: 0 });
    limit.acquire();
    limit.acquire();
    expect(limit.inFlight).toBe(2);
    limit.release(false);
    expect(limit.inFlight).toBe(1);
    expect(limit.throughput()).toBe(0);
    limit.release(true);
    expect(limit.inFlight).toBe(0);
    expect(limit.throughput()).toBe(0.5);
  });
});
