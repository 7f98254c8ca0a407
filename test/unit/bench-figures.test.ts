import { compare, markdown, p99PassesOneSecond, type BenchReport } from '../../bench/bench-report';
import { cpuMsPerCheckout } from '../../bench/cpu-per-checkout';
import { effectMismatch, REFERENCE_EFFECTS } from '../../bench/invariants';
import { callLatencyStats, latencyStats } from '../../bench/latency-stats';
import type { LoadSample } from '../../bench/load/load-plan';
import type { ScenarioRun, Target } from '../../bench/run-scenario';

const sample = (latencyMs: number, ok = true, sendLagMs = 0): LoadSample => ({ index: 0, latencyMs, sendLagMs, ok, status: ok ? 201 : 202, ...(!ok && { error: 'HTTP 202 reserved' }) });

function run(target: Target, kind: 'unloaded' | 'ramp', rate: number, latencies: number[], errors = 0): ScenarioRun {
  const samples = [...latencies.map((l) => sample(l)), ...Array.from({ length: errors }, () => sample(30_000, false))];
  return {
    vendorLatencyMs: 0,
    scenario: { name: kind === 'ramp' ? `ramp ${rate}/s` : 'unloaded', kind, mode: kind === 'ramp' ? 'open' : 'sequential', rate, seconds: 5, baseline: true },
    target,
    prefix: 'P',
    warmup: { count: 5, ok: 5, prefix: 'W' },
    stats: latencyStats({ sent: samples.length, samples, elapsedSeconds: 10, scheduledSeconds: 5 }),
    cpuMs: {},
    cpuPerCheckout: { ...cpuMsPerCheckout({ worker: 100, temporal: 1000 }, { worker: 100 + 10 * latencies.length, temporal: 1000 + 30 * latencies.length }, latencies.length), readAt: 'last answer' },
    usage: {},
    invariants: [],
    monotonicWindowUs: [0, 1],
  };
}

describe('bench figures', () => {
  it('takes nearest-rank percentiles over successful checkouts only, and counts the rest as errors', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
    const stats = latencyStats({ sent: 102, samples: [...latencies.map((l) => sample(l, true, l === 7 ? 12 : 0)), sample(99_999, false), sample(5, false)], elapsedSeconds: 10, scheduledSeconds: 5 });
    expect(stats).toMatchObject({ sent: 102, ok: 100, errors: 2, p50: 50, p90: 90, p99: 99, max: 100, throughput: 10, maxSendLagMs: 12 });
    expect(stats.errorKinds).toEqual({ 'HTTP 202 reserved': 2 });
  });

  it('reports the overhead as saga minus baseline per percentile, and judges only the unloaded run against 40/150 ms', () => {
    const [c] = compare([run('saga', 'unloaded', 0, [130, 140, 200]), run('baseline', 'unloaded', 0, [100, 100, 100])]);
    expect(c.overheadMs).toEqual({ p50: 40, p90: 100, p99: 100 });
    expect(c.ratio.p50).toBeCloseTo(1.4);
    expect(c.meetsOverheadTarget).toBe(true);
    const [slow] = compare([run('saga', 'unloaded', 0, [141]), run('baseline', 'unloaded', 0, [100])]);
    expect(slow.meetsOverheadTarget).toBe(false);
  });

  it('compares the saga with the peer as well as with the baseline, and judges the design\'s targets against the baseline only', () => {
    const comparisons = compare([run('saga', 'unloaded', 0, [300]), run('peer', 'unloaded', 0, [100]), run('baseline', 'unloaded', 0, [10])]);
    expect(comparisons.map((c) => [c.against, c.overheadMs.p50, c.meetsOverheadTarget])).toEqual([
      ['baseline', 290, false],
      ['peer', 200, undefined],
    ]);
  });

  it('leads the report with CPU ms per checkout by process, before the latency table', () => {
    const runs = [run('saga', 'unloaded', 0, [300, 310]), run('peer', 'unloaded', 0, [100, 110])];
    const report: BenchReport = {
      startedAt: 'now', finishedAt: 'now', profile: 'default', notes: [], runs, comparisons: compare(runs), p99PassesOneSecondAt: {}, invariantsPass: true,
      machine: { cores: 2, cpu: 'x', memoryGb: 1, node: 'v20', platform: 'linux', loadAverageAtStart: [0] },
    };
    const md = markdown(report);
    expect(md.indexOf('## CPU ms per checkout')).toBeGreaterThan(0);
    expect(md.indexOf('## CPU ms per checkout')).toBeLessThan(md.indexOf('## Latency and throughput'));
    expect(md).toContain('| 0 ms | unloaded | saga | 2 | n/a | 10.0 | 30.0 | n/a | n/a | n/a | n/a | **40.0** |');
    expect(md.indexOf('## Latency and throughput')).toBeLessThan(md.indexOf('## CPU (avg / max % of one core)'));
    runs[1].cpuPerCheckout = { ...runs[1].cpuPerCheckout, readAt: 'quiet' };
    expect(markdown(report)).toContain('| 0 ms | unloaded | peer | 2 completed, read once quiet |');
  });

  it('times the three-call flow per call and whole, over the flows that succeeded', () => {
    const flow = (reserve: number, commit: number, complete: number, ok = true): LoadSample => ({
      ...sample(reserve + commit + complete, ok), calls: { reserve, commit, complete },
    });
    const stats = callLatencyStats([flow(100, 50, 200), flow(120, 60, 220), flow(10_000, 1, 1, false)]);
    expect(stats.reserve).toEqual({ p50: 100, p99: 120, max: 120 });
    expect(stats.commit.p99).toBe(60);
    expect(stats.complete.p50).toBe(200);
    expect(stats.flow).toEqual({ p50: 350, p99: 400, max: 400 });
  });

  it('finds the first ramp rate whose p99 passes one second or that had errors', () => {
    expect(p99PassesOneSecond([run('saga', 'ramp', 20, [900]), run('saga', 'ramp', 10, [300]), run('saga', 'ramp', 30, [1200])])).toEqual({
      '0 ms': '30/s (p99 1200 ms, 0 errors)',
    });
    expect(p99PassesOneSecond([run('saga', 'ramp', 10, [300], 1)])['0 ms']).toBe('10/s (p99 300 ms, 1 errors)');
    expect(p99PassesOneSecond([run('saga', 'ramp', 10, [300])])['0 ms']).toBe('not reached up to 10/s');
  });

  it('names every effect that is not exactly once, and any effect the reference checkout does not make', () => {
    const once = Object.fromEntries(REFERENCE_EFFECTS.map((e) => [e, 1]));
    expect(effectMismatch(once)).toBe('');
    expect(effectMismatch({ ...once, 'crmcom:purchase.create': 2, 'coupontools:coupon.unlock': 1 })).toBe('crmcom:purchase.create×2, coupontools:coupon.unlock×1');
    expect(effectMismatch(undefined)).toContain('cmc:posttender.transaction×0');
  });
});
