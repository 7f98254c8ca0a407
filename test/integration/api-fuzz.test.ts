import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { ROLES } from '../../core/access/roles';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf, type JournalEntry } from '../support/journal';
import { bearer, startTestStack, type TestStack } from '../support/test-stack';
import { UNDOCUMENTED } from './access-matrix.table';

/** The merchant of this file's keys and sales. */
const MERCHANT = `fuzz${randomUUID().slice(0, 8)}`;

/**
 * Property-based fuzzing of the whole API over HTTP (issue 21, item 9): every route of the OpenAPI
 * document (and the undocumented ones the access matrix lists), every role, with random and mutated
 * JSON, deep nesting, huge, negative and fractional numbers, unicode and NUL, prototype keys, wrong
 * content types and oversized bodies. Every answer is a success or a 4xx problem+json, never a 5xx
 * nor a hang; the API's memory stays flat; nothing reaches a vendor for a refused request; and a
 * share of the requests passes validation, so a generator of pure garbage is seen.
 *
 * The API runs in this process (test-stack.ts), so its memory is this process's. Valid checkouts
 * start sagas: fresh references go out only until SAGA_BUDGET of them were accepted; later ones reuse
 * accepted references (replays, or 409 for another body).
 */
const TOTAL_REQUESTS = 10_240;
const PER_RUN = 16;
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const SAGA_BUDGET = 24;
const BATCH_BUDGET = 4;
const REQUEST_TIMEOUT_MS = 30_000;
/** The share of all requests that must pass validation (2xx). */
const MIN_PASSED_SHARE = 0.1;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
/** Marks a run's references, so the sandbox journal's entries of this run are found. */
const RUN = `FZ${randomUUID().slice(0, 6)}`;
const ref = (kind: string, n: number) => `${RUN}${kind}${String(n).padStart(5, '0')}`;

/** A key of each role for the whole merchant, a till-scoped pos key, a store-scoped finance key, none, and nonsense. */
const CALLERS = [...ROLES, 'pos S1/T1', 'finance S1', 'none', 'garbage'] as const;
type Caller = (typeof CALLERS)[number];

interface FuzzRequest {
  method: Method;
  path: string;
  route: string;
  caller: Caller;
  contentType?: string;
  /** Raw bytes of the body, or a JSON-able value. */
  body?: { raw: string | Buffer } | { json: unknown; raws?: Record<string, string> };
  /** The references this request would start sagas under (checkouts and batch sales). */
  sagaRefs: string[];
}

// ---- values ------------------------------------------------------------------------------------

/** A placeholder whose JSON string is replaced by raw number text JSON.stringify cannot write (1e999, -0). */
const RAW_NUMBERS = ['1e999', '-1e999', '-0', '123456789012345678901234567890', '0.30000000000000004', '1E-400', '9007199254740993', '-9223372036854775809'];
const EVIL_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', 'S1\u0000', '😀'.repeat(40), '\ud800', 'ﬀ\u202e\u200b', 'x'.repeat(5000), '<script>alert(1)</script>',
  "' OR 1=1 --", '../../etc/passwd', '%00', '=cmd|/c calc', 'null', 'true', '10.00', '-10.00', '1e3', '99999999999999999999.99',
  '0.001', '10,00', 'S1', 'T1', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2026-11-21', 'EUR',
  'crmcom', 'capillary', 'phone', 'code', '__proto__', 'constructor', '\\', '"', '{}', 'Ⅻ', 'İ', 'ß'.repeat(300),
];
const EVIL_NUMBERS = [0, -1, -0, 1, 1.5, -1.5, 0.1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, -(2 ** 31), 2 ** 31, 1e9, 100, 10_001, 501];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

function nested(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = kind === 'array' ? [] : {};
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

const protoObject = fc.constantFrom(...PROTO_KEYS).map((key) => {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, key, { value: { polluted: true, prototype: { polluted: true } }, enumerable: true, writable: true, configurable: true });
  return o;
});

const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVIL_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...EVIL_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], ['S1']) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 200 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => nested(d, k)) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((raw) => ({ __raw: raw })) },
);

// ---- mutation of valid bodies --------------------------------------------------------------------

type Path = Array<string | number>;

/** The paths of a body's values, breadth first: the first 400, no deeper than 8 (duplicated lists and nesting stay cheap). */
function pathsOf(value: unknown): Path[] {
  const paths: Path[] = [];
  const queue: Array<[unknown, Path]> = [[value, []]];
  for (let i = 0; i < queue.length && paths.length < 400; i++) {
    const [v, path] = queue[i]!;
    paths.push(path);
    if (v === null || typeof v !== 'object' || path.length >= 8) continue;
    // Indexed by hand: a mutated list may carry its own `constructor` key, which breaks slice() and map().
    const children: Array<[string | number, unknown]> = [];
    if (Array.isArray(v)) for (let j = 0; j < Math.min(3, v.length); j++) children.push([j, (v as unknown[])[j]]);
    else children.push(...Object.entries(v));
    for (const [k, c] of children) queue.push([c, [...path, k]]);
  }
  return paths;
}

function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  kind: 'set' | 'drop' | 'extra' | 'wrap' | 'duplicate';
  at: number;
  key?: string;
  value?: unknown;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant<'set'>('set'), at: fc.nat(), value: evilValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'drop'>('drop'), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'extra'>('extra'), at: fc.nat(), key: fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 10 })), value: evilValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'wrap'>('wrap'), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'duplicate'>('duplicate'), at: fc.nat(), value: fc.integer({ min: 2, max: 600 }) }) },
);

/** Applies a mutation in place; `raws` collects placeholders for raw number text. */
function mutate(body: unknown, m: Mutation, raws: Record<string, string>): unknown {
  const paths = pathsOf(body);
  const path = paths[m.at % paths.length]!;
  let value = m.value;
  if (value && typeof value === 'object' && '__raw' in value) {
    const marker = `__RAW_${Object.keys(raws).length}_${randomUUID().slice(0, 8)}`;
    raws[marker] = (value as { __raw: string }).__raw;
    value = marker;
  }
  if (path.length === 0) {
    if (m.kind === 'set') return value;
    if (m.kind === 'wrap') return [body];
    if (m.kind === 'extra' && body && typeof body === 'object') setOwn(body as Record<string, unknown>, m.key!, value);
    return body;
  }
  const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], body) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const current = parent[key];
  switch (m.kind) {
    case 'set':
      setOwn(parent, key, value);
      break;
    case 'drop':
      if (Array.isArray(parent)) {
        // By hand, as above: splice() reads the list's own `constructor` if a mutation gave it one.
        const list = parent as unknown[];
        for (let i = Number(key); i < list.length - 1; i++) list[i] = list[i + 1];
        list.length -= 1;
      }
      else delete parent[key];
      break;
    case 'wrap':
      setOwn(parent, key, [current]);
      break;
    case 'duplicate':
      if (Array.isArray(current) && current.length > 0) setOwn(parent, key, Array.from({ length: Number(m.value) }, () => structuredClone(current[0])));
      break;
    case 'extra':
      if (current && typeof current === 'object' && !Array.isArray(current)) setOwn(current as Record<string, unknown>, m.key!, value);
      else setOwn(parent, m.key!, value);
      break;
  }
  return body;
}

// ---- requests ------------------------------------------------------------------------------------

const PROBLEM_TYPE = /^application\/problem\+json/;

describe('API fuzz: every route and role, random and mutated input', () => {
  let stack: TestStack;
  let keys: Record<Caller, string | undefined>;
  let routes: Array<{ method: Method; template: string; label: string }>;
  /** `checkout` takes phases and returns; `voidable` takes void, cancel and the ops actions. */
  let ids: { checkout: string; voidable: string; batch: string; sync: string };
  let encoded: unknown;
  /** References whose checkout or batch was accepted (2xx, or a saga's own 422 refusal). */
  const acceptedRefs = new Set<string>();
  const acceptedBatches: Array<{ batchReference: string; saleRef: string }> = [];
  let fresh = 0;
  const hugeBody = Buffer.alloc(17 * 1024 * 1024, 'a');
  const largeBody = `{"products":[${Array.from({ length: 3000 }, (_, i) => `{"code":"P${i}","description":"${'d'.repeat(90)}"}`).join(',')}]}`;

  beforeAll(async () => {
    // Its own merchant (with the demo stores' rows): admin calls the fuzz lets through (a store deleted or
    // changed) must not change what other test files sell at demo's S1.
    stack = await startTestStack({ MERCHANT_ID: MERCHANT });
    keys = {
      pos: stack.keys.pos,
      finance: stack.keys.finance,
      ops: stack.keys.ops,
      admin: stack.keys.admin,
      'pos S1/T1': await stack.keyFor({ role: 'pos', store: 'S1', till: 'T1' }),
      'finance S1': await stack.keyFor({ role: 'finance', store: 'S1' }),
      none: undefined,
      garbage: `cs_000000000000_${'A'.repeat(43)}`,
    };
    const doc = (await request(stack.apiUrl).get('/docs-json').expect(200)).body as { paths: Record<string, Partial<Record<Method, unknown>>> };
    const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, template, label: `${method.toUpperCase()} ${template}` })),
    );
    const undocumented = UNDOCUMENTED.map((label) => {
      const [verb, template] = label.split(' ') as [string, string];
      return { method: verb.toLowerCase() as Method, template, label };
    });
    routes = [...documented, ...undocumented];

    const pos = stack.api();
    const checkout = (await pos.post('/v1/checkouts').send(oneShotCheckoutBody(ref('P', 0))).expect(201)).body.checkoutId as string;
    const voidable = (await pos.post('/v1/checkouts').send(oneShotCheckoutBody(ref('P', 2))).expect(201)).body.checkoutId as string;
    acceptedRefs.add(ref('P', 0)).add(ref('P', 2));
    const batch = (await pos.post('/v1/checkouts/batch').send({ batchReference: ref('B', 0), sales: [oneShotCheckoutBody(ref('P', 1))] }).expect(202)).body.batchId as string;
    acceptedRefs.add(ref('P', 1));
    acceptedBatches.push({ batchReference: ref('B', 0), saleRef: ref('P', 1) });
    const sync = (await stack.api(stack.keys.admin).post('/v1/products/sync').send({ products: [{ code: `${RUN}-1` }] }).expect(202)).body.syncId as string;
    ids = { checkout, voidable, batch, sync };
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"fuzz"').toString('base64') };
    encoded = (await stack.api(stack.keys.admin).post('/v1/codec/encode').set('x-namespace', stack.config.TEMPORAL_NAMESPACE).send({ payloads: [plain] }).expect(200)).body;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** A posReference for a checkout or batch sale: fresh until the saga budget is spent, then an accepted one. */
  function sagaRef(pick: number): string {
    if (acceptedRefs.size < SAGA_BUDGET) return ref('C', ++fresh);
    const accepted = [...acceptedRefs];
    return accepted[pick % accepted.length]!;
  }

  /** The valid body of a route (an empty object where none is known: the route is still fuzzed). */
  function validBody(label: string, pick: number): { body: unknown; sagaRefs: string[] } {
    switch (label) {
      case 'POST /v1/checkouts': {
        const r = sagaRef(pick);
        return { body: oneShotCheckoutBody(r, pick % 3 === 0 ? { complete: false } : {}), sagaRefs: [r] };
      }
      case 'POST /v1/checkouts/batch': {
        if (acceptedBatches.length >= BATCH_BUDGET) {
          const b = acceptedBatches[pick % acceptedBatches.length]!;
          return { body: { batchReference: b.batchReference, sales: [oneShotCheckoutBody(b.saleRef)] }, sagaRefs: [b.saleRef] };
        }
        const r = ref('C', ++fresh);
        return { body: { batchReference: ref('B', fresh), sales: [oneShotCheckoutBody(r)] }, sagaRefs: [r] };
      }
      case 'POST /v1/checkouts/{id}/commit':
        return { body: { spend: { amount: '1.00' } }, sagaRefs: [] };
      case 'POST /v1/checkouts/{id}/complete':
        return { body: { tender: { paid: '10.00', method: 'card' } }, sagaRefs: [] };
      case 'POST /v1/checkouts/{id}/returns':
        return { body: pick % 2 ? { returnReference: `${RUN}R${pick % 3}`, amount: '0.01' } : { returnReference: `${RUN}R${pick % 3}`, lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '0.01' }] }, sagaRefs: [] };
      case 'POST /v1/checkouts/{id}/capillary-customer':
        return { body: { identifier: { type: 'phone', value: '919999999999' } }, sagaRefs: [] };
      case 'POST /v1/capillary/validation-codes':
        return { body: { store: 'S1', till: 'T1', identifier: { type: 'phone', value: '919999999999' }, points: 100 }, sagaRefs: [] };
      case 'POST /v1/products/sync':
        return { body: { products: [{ code: `${RUN}-${pick % 5}`, description: 'Fuzz product' }] }, sagaRefs: [] };
      case 'POST /v1/codec/encode':
        return { body: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }] }, sagaRefs: [] };
      case 'POST /v1/codec/decode':
        return { body: structuredClone(encoded), sagaRefs: [] };
      case 'PUT /v1/admin/stores/{store}':
        return { body: { timeZone: 'Europe/Athens', crmcomUnit: 'Unit', cmcLocation: 'FZ' }, sagaRefs: [] };
      default:
        return { body: {}, sagaRefs: [] };
    }
  }

  const garbageSegment = fc.oneof(
    fc.constantFrom('x', '0', '-1', '%00', '%2e%2e', '..', `checkout:${MERCHANT}:S1:T1:nope`, `batch:${MERCHANT}:nope`, '😀', 'a'.repeat(2000), '%ZZ', '__proto__', 'constructor'),
    fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  );

  function pathOf(template: string, pickId: number, garbage: string): string {
    const idFor = () => {
      if (pickId % 4 === 3) return garbage;
      if (template.startsWith('/v1/checkouts/batch/')) return encodeURIComponent(ids.batch);
      if (template.startsWith('/v1/products/sync/')) return encodeURIComponent(ids.sync);
      if (/\/(void|cancel|retry)$/.test(template)) return encodeURIComponent(ids.voidable);
      return encodeURIComponent(ids.checkout);
    };
    // Stores: never S1–S3 for a write, so the fuzz cannot reconfigure or delete the stores other requests use.
    const storeFor = () => (pickId % 4 === 3 ? garbage : ['FZS1', 'S9', 'S1', 'S2'][pickId % 4]!);
    return template.replace('{id}', idFor).replace('{store}', storeFor);
  }

  /** The valid query of the routes that need one; the generated pairs replace or add to it. */
  const BASE_QUERIES: Record<string, Record<string, string>> = {
    'GET /v1/audit/verify': { from: '2026-11-21', to: '2026-11-21' },
    'GET /v1/reports/reconciliation': { date: '2026-11-21', store: 'S1' },
  };
  const QUERY_KEYS = ['store', 'till', 'from', 'to', 'date', 'limit', 'state', 'vendor', 'cursor', 'after', 'format', 'kind', 'checkoutId', '__proto__', 'constructor[prototype][x]', 'store[]', 'limit[$gt]'];
  const queryArb = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.constantFrom(...EVIL_STRINGS.filter((s) => s.length < 100)), fc.constantFrom('S1', 'T1', '2026-11-21', '10', 'completed', 'crmcom', 'csv', 'json'))), { maxLength: 4 });

  const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/merge-patch+json', ''];
  const RAW_BODIES = ['', '{', '[', '{"a":', 'null', '"string"', '42', 'true', '\ufeff{}', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', 'a=1&b=2', '<x/>', '\u0000', '{"a":"\\ud800"}', '{"a":1e999}'];

  interface Generated {
    route: string;
    caller: Caller;
    pick: number;
    garbage: string;
    bodyKind: string;
    mutations: Mutation[];
    rawBody: string;
    json: unknown;
    depth: number;
    contentType: string;
    query: Array<[string, string]>;
  }

  const requestArb: fc.Arbitrary<Generated> = fc
    .record({
      routeIndex: fc.nat(),
      caller: fc.constantFrom(...CALLERS),
      pick: fc.nat(),
      garbage: garbageSegment,
      bodyKind: fc.constantFrom('valid', 'mutated', 'mutated', 'mutated', 'mutated', 'mutated', 'json', 'deep', 'raw', 'contentType', 'oversized'),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      rawBody: fc.oneof(fc.constantFrom(...RAW_BODIES), fc.string({ unit: 'binary', maxLength: 60 })),
      json: fc.jsonValue({ maxDepth: 4 }),
      depth: fc.integer({ min: 30, max: 6000 }),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      query: queryArb,
    })
    .map(({ routeIndex, ...rest }) => ({ ...rest, route: routes[routeIndex % routes.length]!.label }));

  function build(g: Generated): FuzzRequest {
    const route = routes.find((r) => r.label === g.route)!;
    let path = pathOf(route.template, g.pick, g.garbage);
    const query = [...Object.entries(BASE_QUERIES[route.label] ?? {}).filter(([k]) => !g.query.some(([q]) => q === k)), ...g.query];
    if (query.length) path += `?${query.map(([k, v]) => `${encodeQuery(k)}=${encodeQuery(v)}`).join('&')}`;
    const req: FuzzRequest = { method: route.method, path, route: route.label, caller: g.caller, sagaRefs: [] };
    if (route.method === 'get' || route.method === 'delete') {
      // A DELETE's body is ignored by the API, but sent now and then all the same (fetch sends none on a GET).
      if (route.method === 'delete' && g.bodyKind === 'raw') req.body = { raw: g.rawBody };
      return req;
    }
    const { body, sagaRefs } = validBody(route.label, g.pick);
    req.sagaRefs = sagaRefs;
    switch (g.bodyKind) {
      case 'valid':
        req.body = { json: body };
        break;
      case 'mutated': {
        const raws: Record<string, string> = {};
        let mutated = body;
        for (const m of g.mutations) mutated = mutate(mutated, m, raws);
        keepReferences(mutated, sagaRefs);
        req.body = { json: mutated, raws };
        break;
      }
      case 'json':
        req.body = { json: g.json };
        req.sagaRefs = [];
        break;
      case 'deep': {
        const open = g.pick % 2 ? '['.repeat(g.depth) : '{"a":'.repeat(g.depth);
        const close = g.pick % 2 ? ']'.repeat(g.depth) : '}'.repeat(g.depth);
        req.body = { raw: g.pick % 3 === 0 ? `{"lines":${open}1${close}}` : `${open}1${close}` };
        req.sagaRefs = [];
        break;
      }
      case 'raw':
        req.body = { raw: g.rawBody };
        req.sagaRefs = [];
        break;
      case 'contentType':
        req.contentType = g.contentType;
        req.body = { json: body };
        break;
      case 'oversized':
        req.body = { raw: g.pick % 20 === 0 ? hugeBody : largeBody };
        req.sagaRefs = [];
        break;
    }
    return req;
  }

  /**
   * A mutation that turns a posReference into another plausible one would start a saga outside the
   * budget and outside the journal check: such a reference is put back (any other value stays).
   */
  function keepReferences(body: unknown, sagaRefs: string[]): void {
    const fix = (o: unknown, r: string) => {
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const rec = o as Record<string, unknown>;
        if (typeof rec.posReference === 'string' && /^[\x21-\x7e]{1,64}$/.test(rec.posReference) && !rec.posReference.startsWith(RUN)) rec.posReference = r;
        if (typeof rec.batchReference === 'string' && /^[\x21-\x7e]{1,64}$/.test(rec.batchReference) && !rec.batchReference.startsWith(RUN)) rec.batchReference = `${RUN}B99999`;
      }
    };
    fix(body, sagaRefs[0] ?? `${RUN}X`);
    const sales = body && typeof body === 'object' ? (body as { sales?: unknown }).sales : undefined;
    if (Array.isArray(sales)) sales.forEach((s) => fix(s, sagaRefs[0] ?? `${RUN}X`));
  }

  function serialize(req: FuzzRequest): string | Buffer | undefined {
    if (!req.body) return undefined;
    if ('raw' in req.body) return req.body.raw;
    let text = JSON.stringify(req.body.json) ?? 'null';
    for (const [marker, raw] of Object.entries(req.body.raws ?? {})) text = text.split(`"${marker}"`).join(raw);
    return text;
  }

  interface Outcome {
    req: FuzzRequest;
    status: number;
    contentType: string;
    body: string;
    /** The answer's JSON, when it is JSON. */
    json: unknown;
  }

  async function send(req: FuzzRequest): Promise<Outcome> {
    const headers: Record<string, string> = {};
    const key = keys[req.caller];
    if (key) Object.assign(headers, bearer(key));
    else if (req.caller === 'none' && req.contentType === '') headers.authorization = 'Bearer \u00ff';
    const body = serialize(req);
    if (body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    const res = await fetch(`${stack.apiUrl}${req.path}`, {
      method: req.method.toUpperCase(),
      headers,
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { req, status: res.status, contentType: res.headers.get('content-type') ?? '', body: text.slice(0, 2000), json };
  }

  const describeReq = (o: Outcome) => `${o.req.method.toUpperCase()} ${o.req.path.slice(0, 200)} as ${o.req.caller} (${o.req.route}) -> ${o.status} ${o.body.slice(0, 300)}; sent ${String(serialize(o.req) ?? '').slice(0, 500)}`;

  const isSagaRefusal = (o: Outcome) => o.status === 422 && typeof o.json === 'object' && o.json !== null && 'rejection' in o.json && 'checkoutId' in o.json;

  /** What is wrong with an answer, or undefined. */
  function violation(o: Outcome): string | undefined {
    if (o.status >= 500) return 'a 5xx';
    if (o.status >= 400) {
      // A saga the vendors refused answers its view with the `rejection` (README, The POS API): not a problem document.
      if (isSagaRefusal(o)) return undefined;
      if (!PROBLEM_TYPE.test(o.contentType)) return `a ${o.status} that is not problem+json (${o.contentType})`;
      const problem = o.json as { status?: unknown } | undefined;
      if (!problem || typeof problem !== 'object') return 'a problem that is not a JSON object';
      if (problem.status !== o.status) return `a problem whose status says ${String(problem.status)}`;
      return undefined;
    }
    if (o.status < 200 || o.status >= 300) return `status ${o.status}`;
    return undefined;
  }

  describe('what the fuzz found (each a 500 before its fix)', () => {
    const problemOf = (res: request.Response) => ({ status: res.status, type: res.headers['content-type'], errors: res.body.errors });

    it('refuses a NUL character in a path parameter, a query parameter or a body string: 400 naming it, no query reaches Postgres', async () => {
      const finance = stack.api(stack.keys.finance);
      expect(problemOf(await finance.get('/v1/checkouts/batch/%00'))).toEqual({
        status: 400,
        type: expect.stringMatching(PROBLEM_TYPE),
        errors: [{ field: 'id', message: expect.stringContaining('NUL') }],
      });
      expect(problemOf(await finance.get(`/v1/checkouts/${encodeURIComponent(ids.checkout)}%00`))).toMatchObject({ status: 400, errors: [{ field: 'id' }] });
      expect(problemOf(await finance.get('/v1/audit/events?store=S1%00'))).toMatchObject({ status: 400, errors: [{ field: 'store' }] });
      const body = oneShotCheckoutBody(ref('N', 1), { lines: [{ sku: 'Soft Drinks', description: 'Cola\u0000', quantity: 1, totalAmount: '10.00', netAmount: '8.00', vatAmount: '2.00' }] });
      expect(problemOf(await stack.api().post('/v1/checkouts').send(body))).toMatchObject({ status: 400, errors: [{ field: 'lines[0].description' }] });
      expect(await journalOf(stack.sandboxUrl, `${MERCHANT}:S1:T1:${ref('N', 1)}`)).toEqual([]);
    });

    it('refuses a list of lists where a list of objects is taken (product sync, return lines): 400 naming the item', async () => {
      const admin = stack.api(stack.keys.admin);
      expect(problemOf(await admin.post('/v1/products/sync').send({ products: [[{ code: 'NESTED-1' }]] }))).toEqual({
        status: 400,
        type: expect.stringMatching(PROBLEM_TYPE),
        errors: [{ field: 'products', message: 'each product must be an object' }],
      });
      const returned = await stack.api().post(`/v1/checkouts/${encodeURIComponent(ids.checkout)}/returns`).send({ returnReference: 'NESTED', lines: [[{ sku: 'Soft Drinks', quantity: 1, totalAmount: '1.00' }]] });
      expect(problemOf(returned)).toMatchObject({ status: 400, errors: [{ field: 'lines', message: 'each line must be an object' }] });
    });
  });

  it('answers every generated request with a success or a 4xx problem+json, keeps memory flat and sends nothing to a vendor for a refused request', async () => {
    const byStatus = new Map<number, number>();
    const byRoute = new Map<string, { passed: number; refused: number }>();
    const refusedRefs = new Set<string>();
    let sent = 0;
    let warm: NodeJS.MemoryUsage | undefined;

    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: PER_RUN, maxLength: PER_RUN }), async (generated) => {
        const reqs = generated.map(build);
        const outcomes = await Promise.all(reqs.map(send));
        for (const o of outcomes) {
          sent++;
          byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
          const r = byRoute.get(o.req.route) ?? { passed: 0, refused: 0 };
          // A saga's own refusal (422 with `rejection`) passed validation: its vendors were asked.
          const sagaRefusal = isSagaRefusal(o);
          const passed = (o.status >= 200 && o.status < 300) || sagaRefusal;
          if (passed) r.passed++;
          else r.refused++;
          byRoute.set(o.req.route, r);
          for (const sagaRef of o.req.sagaRefs) (passed ? acceptedRefs : refusedRefs).add(sagaRef);
          if (passed && o.req.route === 'POST /v1/checkouts/batch' && o.req.body && 'json' in o.req.body) {
            const b = o.req.body.json as { batchReference?: unknown; sales?: Array<{ posReference?: unknown }> };
            if (typeof b.batchReference === 'string' && o.req.sagaRefs[0] && !acceptedBatches.some((x) => x.batchReference === b.batchReference)) {
              acceptedBatches.push({ batchReference: b.batchReference, saleRef: o.req.sagaRefs[0] });
            }
          }
          const wrong = violation(o);
          if (wrong) throw new Error(`${wrong}: ${describeReq(o)}`);
        }
        if (!warm && sent >= 1000) warm = process.memoryUsage();
      }),
      { seed: SEED, numRuns: Math.ceil(TOTAL_REQUESTS / PER_RUN), endOnFailure: true, interruptAfterTimeLimit: 240_000 },
    );
    const end = process.memoryUsage();

    const passed = [...byRoute.values()].reduce((n, r) => n + r.passed, 0);
    const table = [...byRoute.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([route, r]) => `  ${route.padEnd(48)} passed ${String(r.passed).padStart(5)}  refused ${String(r.refused).padStart(5)}`);
    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(
      [
        `API fuzz (seed ${SEED}): ${sent} requests, ${passed} passed validation, ${sent - passed} refused`,
        `  by status: ${statuses}`,
        ...table,
        `  memory after warm-up: rss ${mb(warm!.rss)}, heap ${mb(warm!.heapUsed)}; at the end: rss ${mb(end.rss)}, heap ${mb(end.heapUsed)}`,
        `  fresh saga references accepted: ${acceptedRefs.size}`,
      ].join('\n'),
    );

    expect(sent).toBeGreaterThanOrEqual(10_000);
    // Every route, every caller was exercised.
    expect(routes.filter((r) => !byRoute.has(r.label)).map((r) => r.label)).toEqual([]);
    expect(passed / sent).toBeGreaterThanOrEqual(MIN_PASSED_SHARE);
    // Validation is reached with bodies too: mutated and valid checkouts passed (and were refused).
    expect(byRoute.get('POST /v1/checkouts')!.passed).toBeGreaterThan(0);
    expect(byRoute.get('POST /v1/checkouts')!.refused).toBeGreaterThan(100);

    // Memory: flat within a generous bound (garbage collection runs when it likes).
    expect(end.heapUsed - warm!.heapUsed).toBeLessThan(256 * 1024 * 1024);
    expect(end.rss - warm!.rss).toBeLessThan(512 * 1024 * 1024);

    // Nothing reached a vendor under a reference whose every request was refused.
    const journal: JournalEntry[] = await journalOf(stack.sandboxUrl, '');
    const ofRun = journal.filter((e) => e.reference.includes(RUN));
    const neverAccepted = [...refusedRefs].filter((r) => !acceptedRefs.has(r));
    expect(neverAccepted.length).toBeGreaterThan(100);
    const runRef = new RegExp(`${RUN}[CP]\\d{5}`, 'g');
    const leaked = ofRun.filter((e) => (e.reference.match(runRef) ?? []).some((r) => !acceptedRefs.has(r)));
    expect(leaked).toEqual([]);
    expect(ofRun.length).toBeGreaterThan(0);
  }, 300_000);
});

/** Percent-encodes, a lone surrogate as the invalid UTF-8 bytes it would be (the server must cope with those too). */
function encodeQuery(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.split('').map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
