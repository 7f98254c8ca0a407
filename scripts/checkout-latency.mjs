#!/usr/bin/env node
// End-to-end latency of one-shot checkouts against a running stack (`npm start`), one at a time:
// `npm run latency -- [count]`. Each checkout is the design's reference checkout (CRM.COM purchase
// and spend, a Coupontools coupon, Capillary points, CMC post-tender) on the embedded sandbox.
// Sequential on purpose: this is the latency a single till sees, not throughput (see issue 8's bench).
const api = process.env.API_URL ?? 'http://localhost:3000';
const sandbox = process.env.SANDBOX_URL ?? 'http://127.0.0.1:4010';
const count = Number(process.argv[2] ?? 50);
// The development pos key `npm start` wrote (store S1), unless API_KEY names another.
const apiKey = process.env.API_KEY ?? JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('.data/dev-keys.json', 'utf8'))).pos;
const run = Date.now().toString(36);

async function post(url, body) {
  const headers = { 'content-type': 'application/json', ...(url.startsWith(api) && { authorization: `Bearer ${apiKey}` }) };
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const samples = [];
let failures = 0;
for (let i = 0; i < count + 5; i += 1) {
  const posReference = `LAT${run}${i}`;
  const coupon = `lat${run}${i}`;
  await post(`${sandbox}/_sandbox/coupontools/sessions`, { code: coupon, value: '1.00' });
  const body = {
    store: 'S1', till: 'T1', posReference, performedOn: new Date().toISOString(), currency: 'EUR',
    customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } },
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '60.00', netAmount: '48.00', vatAmount: '12.00' }],
    spend: { amount: '0.10' },
    points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: '919999999999' } },
    coupons: [{ provider: 'coupontools', code: coupon }],
    postTender: { provider: 'cmc' },
    complete: true,
  };
  const started = performance.now();
  const res = await post(`${api}/v1/checkouts`, body);
  const ms = performance.now() - started;
  if (res.status !== 201 || res.body?.state !== 'completed') {
    failures += 1;
    console.error(`checkout ${posReference}: HTTP ${res.status} ${res.body?.state ?? ''} ${res.body?.detail ?? res.body?.failureReason ?? ''}`);
  } else if (i >= 5) samples.push(ms); // the first five warm up connections and caches
}

samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`one-shot reference checkouts, sequential, sandbox vendors at 0 ms: ${samples.length} measured, ${failures} failed`);
if (samples.length) {
  console.log(`p50 ${fmt(pct(50))}   p90 ${fmt(pct(90))}   p99 ${fmt(pct(99))}   max ${fmt(samples[samples.length - 1])}`);
}
process.exit(failures ? 1 : 0);
