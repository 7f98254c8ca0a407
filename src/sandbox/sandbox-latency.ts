/** z of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263;

/**
 * A latency drawn from a log-normal distribution with the given median and 99th percentile: the
 * long-tailed shape real vendor latencies have ("p50 200 ms, p99 2 s"), so a slow-vendor test sees
 * a few very slow calls among many ordinary ones rather than one fixed delay.
 */
export function sampleLatencyMs(medianMs: number, p99Ms: number, random: () => number = Math.random): number {
  if (medianMs <= 0) return 0;
  const sigma = p99Ms > medianMs ? Math.log(p99Ms / medianMs) / Z99 : 0;
  return Math.round(medianMs * Math.exp(sigma * standardNormal(random)));
}

/** Box-Muller: one standard normal sample from two uniform ones. */
function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
