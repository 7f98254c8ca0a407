import { compare, p99PassesOneSecond } from '../../bench/bench-report';
import { effectMismatch, REFERENCE_EFFECTS } from '../../bench/invariants';
import { latencyStats } from '../../bench/latency-stats';
import type { LoadSample } from '../../bench/load/load-plan';
import type { ScenarioRun } from '../../bench/run-scenario';

const sample = (latencyMs: number, ok = true, sendLagMs = 0): LoadSample => ({ index: 0, latencyMs, sendLagMs, ok, status: ok ? 201 : 202, ...(!ok && { error: 'HTTP 202 reserved' }) });

function run(target: 'saga' | 'baseline', kind: 'unloaded' | 'ramp', rate: number, latencies: number[], errors = 0): ScenarioRun {
  const samples = [...latencies.map((l) => sample(l)), ...Array.from({ length: errors }, () => sample(30_000, false))];
  return {
    vendorLatencyMs: 0,
    scenario: { name: kind === 'ramp' ? `ramp ${rate}/s` : 'unloaded', kind, mode: kind === 'ramp' ? 'open' : 'sequential', rate, seconds: 5, baseline: true },
    target,
    prefix: 'P',
    stats: latencyStats({ sent: samples.length, samples, elapsedSeconds: 10, scheduledSeconds: 5 }),
    usage: {},
    invariants: [],
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
