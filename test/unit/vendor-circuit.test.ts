import { createServer, type Server } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { CIRCUIT_OPEN, VendorCircuit, type CircuitTransition } from '../../activities/vendors/vendor-circuit';
import { definitelyNotApplied, vendorRejection } from '../../activities/vendors/vendor-errors';
import { VendorHttp } from '../../activities/vendors/vendor-http';
import { policyBackoffMs } from '../../activities/vendors/retry-backoff';
import { FailureTypes } from '../../workflows/checkout.contract';

const COOLDOWN_MS = 150;
const settings = { failurePercent: 50, volumeThreshold: 3, windowMs: 10_000, cooldownMs: COOLDOWN_MS };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A vendor on a real port that answers `status` and counts what reaches it. */
class FakeVendor {
  status = 200;
  hits = 0;
  private server: Server = createServer((_req, res) => {
    this.hits += 1;
    res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/x`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('VendorCircuit around VendorHttp', () => {
  const vendor = new FakeVendor();
  let circuit: VendorCircuit;
  let http: VendorHttp;
  let transitions: CircuitTransition[];
  let shortCircuits: number;
  const call = () => http.send({ operation: 'purchases.create', method: 'POST', url: vendor.url, body: {} });
  const failed = async () => {
    try {
      await call();
    } catch (err) {
      return err as ApplicationFailure;
    }
    throw new Error('the call succeeded');
  };

  beforeAll(() => vendor.start());
  afterAll(() => vendor.close());
  beforeEach(() => {
    vendor.status = 200;
    vendor.hits = 0;
    transitions = [];
    shortCircuits = 0;
    circuit = new VendorCircuit('crmcom', settings, {
      onTransition: (t) => transitions.push(t),
      onShortCircuit: () => (shortCircuits += 1),
      onForced: () => undefined,
    });
    http = new VendorHttp('crmcom', 1000, { circuit });
  });
  afterEach(() => circuit.shutdown());

  it.each([503, 500, 429])('counts HTTP %i against the vendor: opens after the volume threshold, then answers at once without sending', async (status) => {
    vendor.status = status;
    for (let i = 0; i < 3; i++) expect(await failed()).toMatchObject({ type: FailureTypes.vendorUnavailable, details: [{ httpStatus: status }] });
    expect(circuit.state).toBe('open');
    expect(transitions.map((t) => [t.from, t.to])).toEqual([['closed', 'open']]);

    const started = performance.now();
    const err = await failed();
    expect(performance.now() - started).toBeLessThan(20);
    expect(vendor.hits).toBe(3);
    expect(shortCircuits).toBe(1);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FailureTypes.vendorUnavailable, nonRetryable: false, details: [{ code: CIRCUIT_OPEN, notSent: true }] });
    // Retryable, no sooner than the cool-down's rest; and known not applied (the effect intent is cleared).
    expect(err.nextRetryDelay).toBeGreaterThan(0);
    expect(err.nextRetryDelay).toBeLessThanOrEqual(COOLDOWN_MS);
    expect(definitelyNotApplied(err)).toBe(true);
  });

  it("holds a call back no sooner than the attempt's own backoff, when that is longer than the cool-down's rest", async () => {
    vendor.status = 503;
    for (let i = 0; i < 3; i++) await failed();
    const err = await circuit.run('x', () => Promise.resolve(), 5000).catch((e: unknown) => e as ApplicationFailure);
    expect(err).toMatchObject({ details: [{ code: CIRCUIT_OPEN }], nextRetryDelay: 5000 });
  });

  it('counts network failures against the vendor', async () => {
    const down = new VendorHttp('crmcom', 500, { circuit });
    for (let i = 0; i < 3; i++) await down.send({ operation: 'x', method: 'GET', url: 'http://127.0.0.1:9/x' }).catch(() => undefined);
    expect(circuit.state).toBe('open');
  });

  it('does not count a business refusal: the vendor answered', async () => {
    // The adapter turns a 4xx answer into a refusal; thrown inside the breaker it still is no failure.
    for (let i = 0; i < 5; i++) {
      await circuit.run('x', () => Promise.reject(vendorRejection({ vendor: 'crmcom', code: 'E', reason: 'no' }))).catch(() => undefined);
    }
    expect(circuit.state).toBe('closed');
  });

  it('does not count a 4xx answer: VendorHttp returns it', async () => {
    vendor.status = 400;
    for (let i = 0; i < 5; i++) await expect(call()).resolves.toMatchObject({ status: 400 });
    expect(circuit.state).toBe('closed');
    expect(vendor.hits).toBe(5);
  });

  it('does not open below the volume threshold', async () => {
    vendor.status = 503;
    for (let i = 0; i < 2; i++) await failed();
    expect(circuit.state).toBe('closed');
  });

  it('half-opens after the cool-down: one probe goes through, its success closes the circuit', async () => {
    vendor.status = 503;
    for (let i = 0; i < 3; i++) await failed();
    await sleep(COOLDOWN_MS + 30);
    expect(circuit.state).toBe('half_open');
    vendor.status = 200;
    await expect(call()).resolves.toMatchObject({ status: 200 });
    expect(circuit.state).toBe('closed');
    expect(vendor.hits).toBe(4);
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens when the probe fails, and holds back other calls while the probe is in flight', async () => {
    vendor.status = 503;
    for (let i = 0; i < 3; i++) await failed();
    await sleep(COOLDOWN_MS + 30);
    const [probe, other] = await Promise.all([failed(), failed()]);
    expect(probe).toMatchObject({ details: [{ httpStatus: 503 }] });
    expect(other).toMatchObject({ details: [{ code: CIRCUIT_OPEN, notSent: true }] });
    expect(vendor.hits).toBe(4);
    expect(circuit.state).toBe('open');
    expect(transitions.map((t) => [t.to, t.reason])).toEqual([
      ['open', 'failures over 50 % of the calls'],
      ['half_open', 'cool-down over: the next call probes'],
      ['open', 'the probe failed'],
    ]);
  });

  it('forced open by ops: nothing is sent, even to a healthy vendor, until auto hands it back to a probe', async () => {
    circuit.force('open');
    expect(circuit.state).toBe('open');
    const err = await failed();
    expect(err).toMatchObject({ details: [{ code: CIRCUIT_OPEN, notSent: true }], nextRetryDelay: COOLDOWN_MS });
    expect(vendor.hits).toBe(0);
    await sleep(COOLDOWN_MS + 30);
    expect(circuit.state).toBe('open'); // the cool-down does not end a forced open
    expect(await failed()).toMatchObject({ details: [{ code: CIRCUIT_OPEN }] });
    expect(vendor.hits).toBe(0);
    circuit.force(null);
    expect(circuit.state).toBe('half_open');
    await call();
    expect(circuit.state).toBe('closed');
    expect(transitions.map((t) => [t.from, t.to, t.forced])).toEqual([
      ['closed', 'open', 'open'],
      ['open', 'half_open', null],
      ['half_open', 'closed', null],
    ]);
  });

  it('forced closed by ops: every call is sent whatever fails, and the failures open nothing', async () => {
    vendor.status = 503;
    circuit.force('closed');
    for (let i = 0; i < 6; i++) expect(await failed()).toMatchObject({ details: [{ httpStatus: 503 }] });
    expect(vendor.hits).toBe(6);
    expect(circuit.state).toBe('closed');
    circuit.force(null);
    for (let i = 0; i < 3; i++) await failed();
    expect(circuit.state).toBe('open');
  });
});

describe('policyBackoffMs', () => {
  it("is Temporal's backoff: initial times coefficient to the attempt, capped at the maximum", () => {
    const policy = { initialInterval: 250, backoffCoefficient: 2, maximumInterval: 5000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => policyBackoffMs(policy, a))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(policyBackoffMs({ initialInterval: '500ms' }, 3)).toBe(2000);
    // Temporal's defaults: 1 s, coefficient 2, maximum 100 × initial.
    expect(policyBackoffMs({}, 1)).toBe(1000);
    expect(policyBackoffMs({}, 20)).toBe(100_000);
  });
});
