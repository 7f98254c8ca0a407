import { nextCallbackAttempt } from '../../core/callbacks/callback-retry-schedule';

describe(nextCallbackAttempt.name, () => {
  const settings = { baseMs: 10_000, maxMs: 3_600_000, maxAttempts: 30 };

  it('doubles from the base, the upper half of each step random', () => {
    const low = [1, 2, 3, 4].map((n) => nextCallbackAttempt(n, settings, () => 0));
    const high = [1, 2, 3, 4].map((n) => nextCallbackAttempt(n, settings, () => 0.999999));
    expect(low).toEqual([5_000, 10_000, 20_000, 40_000].map((delayMs) => ({ giveUp: false, delayMs })));
    expect(high).toEqual([10_000, 20_000, 40_000, 80_000].map((delayMs) => ({ giveUp: false, delayMs })));
  });

  it('never waits longer than the cap, however many attempts were made', () => {
    expect(nextCallbackAttempt(12, settings, () => 1 - Number.EPSILON)).toEqual({ giveUp: false, delayMs: 3_600_000 });
    expect(nextCallbackAttempt(29, settings, () => 0)).toEqual({ giveUp: false, delayMs: 1_800_000 });
    expect(nextCallbackAttempt(1000, { ...settings, maxAttempts: 2000 }, () => 0.5)).toEqual({ giveUp: false, delayMs: 2_700_000 });
  });

  it('gives up once the attempts are spent', () => {
    expect(nextCallbackAttempt(30, settings)).toEqual({ giveUp: true });
    expect(nextCallbackAttempt(1, { ...settings, maxAttempts: 1 })).toEqual({ giveUp: true });
  });

  it('spreads the default 30 attempts over about a day', () => {
    let totalMs = 0;
    for (let n = 1; n < 30; n += 1) {
      const next = nextCallbackAttempt(n, settings, () => 0.5);
      if (!next.giveUp) totalMs += next.delayMs;
    }
    expect(totalMs / 3_600_000).toBeGreaterThan(16);
    expect(totalMs / 3_600_000).toBeLessThan(26);
  });
});
