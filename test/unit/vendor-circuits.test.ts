import { vendorCircuitState, vendorCircuitTransitions } from '../../activities/metrics/worker-metrics';
import { VendorCircuits } from '../../activities/vendors/vendor-circuits';
import { vendorUnavailable } from '../../activities/vendors/vendor-errors';

const settings = { failurePercent: 50, volumeThreshold: 2, windowMs: 10_000, cooldownMs: 10_000 };
const gauge = async (vendor: string, state: string) => (await vendorCircuitState.get()).values.find((v) => v.labels.vendor === vendor && v.labels.state === state)?.value;
const transitions = async (vendor: string, from: string, to: string) =>
  (await vendorCircuitTransitions.get()).values.find((v) => v.labels.vendor === vendor && v.labels.from === from && v.labels.to === to)?.value ?? 0;

/** A worker's breakers: each transition a log line, a metric and a report (onChange); ops' overrides applied. */
describe('VendorCircuits', () => {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const log = { info: (m: string, meta?: Record<string, unknown>) => lines.push(['info', m, meta]), warn: (m: string, meta?: Record<string, unknown>) => lines.push(['warn', m, meta]) };
  let circuits: VendorCircuits;
  let changes: number;

  beforeEach(() => {
    lines.length = 0;
    changes = 0;
    circuits = new VendorCircuits(settings, log);
    circuits.onChange = () => (changes += 1);
  });
  afterEach(() => circuits.shutdown());

  it('logs, counts and reports a transition, and keeps one breaker per vendor', async () => {
    const vendor = `v${Date.now()}`;
    expect(circuits.of(vendor)).toBe(circuits.of(vendor));
    expect(await gauge(vendor, 'closed')).toBe(1);
    for (let i = 0; i < 2; i++) await circuits.of(vendor).run('x', () => Promise.reject(vendorUnavailable(vendor, 'HTTP 503', { httpStatus: 503 }))).catch(() => undefined);
    expect(lines).toEqual([['warn', 'vendor circuit opened', { vendor, from: 'closed', to: 'open', forced: null, reason: 'failures over 50 % of the calls' }]]);
    expect(await gauge(vendor, 'open')).toBe(1);
    expect(await gauge(vendor, 'closed')).toBe(0);
    expect(await transitions(vendor, 'closed', 'open')).toBe(1);
    expect(changes).toBe(1);
  });

  it("applies ops' overrides: a vendor without one is handed back to its breaker", async () => {
    const vendor = `w${Date.now()}`;
    circuits.applyOverrides([{ vendor, force: 'open', actor: 'key:k', at: new Date() }]);
    expect(circuits.of(vendor).state).toBe('open');
    expect(lines.map(([, m]) => m)).toEqual(['vendor circuit opened', 'vendor circuit override applied']);
    circuits.applyOverrides([{ vendor, force: 'open', actor: 'key:k', at: new Date() }]);
    expect(lines).toHaveLength(2); // the same override again changes nothing
    circuits.applyOverrides([]);
    expect(circuits.of(vendor).forced).toBeNull();
    expect(lines.at(-1)).toEqual(['info', 'vendor circuit override applied', { vendor, forced: 'auto', state: 'open' }]);
  });
});
