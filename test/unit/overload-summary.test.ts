import { overloadVerdict, summarizeAnswers } from '../../bench/overload/overload-summary';
import type { LoadSample } from '../../bench/load/load-plan';

type Verdicted = Parameters<typeof overloadVerdict>[0];

describe(summarizeAnswers.name, () => {
  const sample = (index: number, status: number, latencyMs: number): LoadSample => ({ index, status, latencyMs, sendLagMs: 0, ok: status === 201 });

  it('tells accepted (2xx, 422, 502), refused (503), hanging (no answer) and other answers apart, and which came within the budget', () => {
    const answers = summarizeAnswers(
      [sample(0, 201, 900), sample(1, 202, 5_400), sample(2, 422, 300), sample(3, 502, 800), sample(4, 503, 4), sample(5, 503, 6), sample(6, 0, 6_000), sample(7, 400, 3)],
      5_000,
    );
    expect(answers).toMatchObject({ sent: 8, accepted: 4, refused: 2, hanging: 1, other: { 400: 1 }, acceptedByStatus: { 201: 1, 202: 1, 422: 1, 502: 1 } });
    // Not the 202 after the budget, not the hanging one, not the 400.
    expect(answers.withinBudget).toBe(5);
    expect(answers.refusedTimes).toEqual({ p50: 4, p99: 6, max: 6 });
  });

  it('fails the verdict on a hanging request, a late answer, a saga for a refused request or an accepted one not ended', () => {
    const answers = summarizeAnswers([sample(0, 201, 900), sample(1, 503, 5)], 5_000);
    const report: Verdicted = { answers, refusedSagas: { workflows: 0, rows: 0 }, acceptedEnded: { byState: { completed: 1 }, notFinal: 0 } };
    expect(overloadVerdict(report).every((v) => v.pass)).toBe(true);
    const failing = (over: Partial<Verdicted>) => overloadVerdict({ ...report, ...over }).filter((v) => !v.pass).map((v) => v.name);
    expect(failing({ answers: summarizeAnswers([sample(0, 0, 6_000)], 5_000) })).toEqual(expect.arrayContaining([expect.stringMatching(/hanging/), expect.stringMatching(/within its budget/)]));
    expect(failing({ refusedSagas: { workflows: 1, rows: 0 } })).toEqual([expect.stringMatching(/refused request/)]);
    expect(failing({ acceptedEnded: { byState: {}, notFinal: 1 } })).toEqual([expect.stringMatching(/ended/)]);
  });
});
