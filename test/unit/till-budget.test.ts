import { InvalidTillBudget, tillBudgetMs, tillDeadlines, type TillBudgetSettings } from '../../core/checkouts/till-budget';
import { firstRoundDeadline, oneShotPhaseDeadline } from '../../workflows/till-deadline';

const settings: TillBudgetSettings = {
  defaults: { reserve: 2000, commit: 2000, complete: 2000, oneShot: 5000 },
  merchants: { fast: { reserve: 1200 } },
  maxMs: 25_000,
  marginMs: 500,
  landsWithinMs: 10_000,
};

describe("a till's time budget", () => {
  it('takes the header first, then the merchant, then the deployment default per phase', () => {
    expect(tillBudgetMs(settings, 'reserve', 'demo', '1500')).toBe(1500);
    expect(tillBudgetMs(settings, 'reserve', 'fast', undefined)).toBe(1200);
    expect(tillBudgetMs(settings, 'commit', 'fast', undefined)).toBe(2000);
    expect(tillBudgetMs(settings, 'oneShot', 'demo', '')).toBe(5000);
    // A merchant named like an Object member has no budget of its own.
    expect(tillBudgetMs(settings, 'reserve', 'constructor', undefined)).toBe(2000);
  });

  it.each(['soon', '1.5', '-1', '10', '25001', '1e3', '0x10'])('refuses the header %s', (header) => {
    expect(() => tillBudgetMs(settings, 'reserve', 'demo', header)).toThrow(InvalidTillBudget);
  });

  it('answers at the budget; the steps end the margin earlier, keeping at least half', () => {
    expect(tillDeadlines(settings, 10_000, 2000)).toEqual({ answerBy: 12_000, steps: { stepsBy: 11_500, landsWithinMs: 10_000 } });
    expect(tillDeadlines(settings, 10_000, 600)).toEqual({ answerBy: 10_600, steps: { stepsBy: 10_300, landsWithinMs: 10_000 } });
  });

  it("splits the reserve's two rounds and a one-shot's phases so their sum never passes the deadline", () => {
    expect(firstRoundDeadline({ stepsBy: 2000, landsWithinMs: 7000 }, 1000)).toEqual({ stepsBy: 1500, landsWithinMs: 7000 });
    expect(firstRoundDeadline({ stepsBy: 900 }, 1000)).toEqual({ stepsBy: 1000 });
    expect(firstRoundDeadline(undefined, 1000)).toBeUndefined();
    const whole = { stepsBy: 5000 };
    const reserve = oneShotPhaseDeadline(whole, 'reserve', 0)!;
    const commit = oneShotPhaseDeadline(whole, 'commit', reserve.stepsBy)!;
    expect(reserve.stepsBy).toBe(2000);
    expect(commit.stepsBy).toBe(3500);
    expect(commit.stepsBy).toBeLessThan(whole.stepsBy);
  });
});
