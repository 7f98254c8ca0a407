import { sampleLatencyMs } from '../../src/sandbox/sandbox-latency';

/** A deterministic uniform source (mulberry32), so the percentiles below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe(sampleLatencyMs.name, () => {
  it('draws delays whose median and 99th percentile are the ones asked for', () => {
    const random = seeded(42);
    const samples = Array.from({ length: 50_000 }, () => sampleLatencyMs(200, 2000, random)).sort((a, b) => a - b);

    expect(percentile(samples, 50)).toBeGreaterThan(180);
    expect(percentile(samples, 50)).toBeLessThan(220);
    expect(percentile(samples, 99)).toBeGreaterThan(1700);
    expect(percentile(samples, 99)).toBeLessThan(2300);
    expect(samples[0]).toBeGreaterThanOrEqual(0);
  });

  it('is a fixed delay when the 99th percentile is not above the median, and none for a zero median', () => {
    expect(sampleLatencyMs(300, 300, seeded(1))).toBe(300);
    expect(sampleLatencyMs(0, 2000, seeded(1))).toBe(0);
  });
});
