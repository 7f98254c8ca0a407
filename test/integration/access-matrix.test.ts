import { randomUUID } from 'node:crypto';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import request from 'supertest';
import { ApiKeyGuard } from '../../src/access/api-key.guard';
import { RefusedAccess } from '../../src/access/refused-access';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { parseApiKey } from '../../core/access/api-key-format';
import { ROLES, type Role } from '../../core/access/roles';
import { ProblemException } from '../../src/common/problem';
import { mapBounded } from '../support/bounded';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { bearer, seedTestStores, startTestStack, testKeyFactory, uniquePosReference, type TestStack } from '../support/test-stack';
import { ACCESS_MATRIX, SCOPES, UNDOCUMENTED, expectedOf, rolesAllowedOn, type MatrixRow, type Scope } from './access-matrix.table';

/** Routes anyone may call. Everything else in the OpenAPI document must declare its roles. */
const PUBLIC = new Set(['GET /health', 'GET /ready', ...UNDOCUMENTED]);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** The places the prepared resources are at (table targets); the keys' scopes are S1 and S1/T1. */
const PLACES = ['S1/T1', 'S1/T2', 'S2/T1'] as const;
type Place = (typeof PLACES)[number];
const isPlace = (target: string): target is Place => (PLACES as readonly string[]).includes(target);
const storeAndTill = (place: Place) => ({ store: place.split('/')[0], till: place.split('/')[1] });
const byPlace = <T>(make: (place: Place) => T) => Object.fromEntries(PLACES.map((p) => [p, make(p)])) as Record<Place, T>;

/** A callback event id no merchant has. */
const NO_SUCH_EVENT = '00000000-0000-4000-8000-000000000000';
const RETURN_BODY = { returnReference: 'ACL-RETURN', amount: '1.00' };
/** A plain JSON payload as Temporal's remote codec protocol carries it (base64 metadata and data). */
const PLAIN_PAYLOAD = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"access"').toString('base64') };

/**
 * Every route of the API, every role and every scope of key, against the literal table in
 * access-matrix.table.ts: the exact status for each cell (never a 5xx), the table covering every
 * route in the OpenAPI document; then 401s, the scope refusal's field, deny by default and rate limits.
 */
describe('access matrix', () => {
  let stack: TestStack;
  let keys: Record<Role, Record<Scope, string>>;
  let revokedAdmin: string;
  let documented: Array<{ label: string; roles: Role[] | undefined; description: string | undefined }>;
  /** Prepared resources, by place: completed checkouts, voided ones, ones with a return, batches. */
  let completed: Record<Place, string>;
  let voided: Record<Place, string>;
  let returned: Record<Place, string>;
  let batches: Record<Place, string>;
  let syncId: string;
  let encodedPayload: unknown;
  /** Creates in the matrix use one body per row: the first call creates, the others are its replays. */
  const createRefs = byPlace(() => uniquePosReference('ACLC'));
  const batchRefs = byPlace(() => ({ batch: `ACLB-${randomUUID().slice(0, 12)}`, sale: uniquePosReference('ACLB') }));

  beforeAll(async () => {
    stack = await startTestStack();
    const otherMerchantId = `other-${randomUUID().slice(0, 8)}`;
    await seedTestStores(stack.dataSource, otherMerchantId);
    const otherMerchant = testKeyFactory(stack.dataSource, otherMerchantId);
    const keyIn = (role: Role, scope: Scope) =>
      scope === 'other' ? otherMerchant({ role }) : stack.keyFor({ role, ...(scope !== 'merchant' && { store: 'S1' }), ...(scope === 'S1/T1' && { till: 'T1' }) });
    keys = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, Object.fromEntries(await Promise.all(SCOPES.map(async (scope) => [scope, await keyIn(role, scope)])))])),
    ) as typeof keys;
    revokedAdmin = await stack.keyFor({ role: 'admin' });
    await new ApiKeyStore(stack.dataSource).revoke(parseApiKey(revokedAdmin)!.keyId);

    const doc = (await request(stack.apiUrl).get('/docs-json').expect(200)).body as {
      paths: Record<string, Partial<Record<Method, { 'x-roles'?: Role[]; description?: string }>>>;
    };
    documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ label: `${m.toUpperCase()} ${template}`, roles: item[m]!['x-roles'], description: item[m]!.description })),
    );

    // The fixtures, created by the merchant-wide pos and admin keys.
    const api = stack.api();
    const completedSale = async (place: Place, prefix: string) =>
      (await api.post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference(prefix), storeAndTill(place))).expect(201)).body.checkoutId as string;
    const prepared = await Promise.all(
      PLACES.map(async (place) => {
        const [done, toVoid, toReturn] = await Promise.all([completedSale(place, 'ACL'), completedSale(place, 'ACLV'), completedSale(place, 'ACLR')]);
        await api.post(`/v1/checkouts/${toVoid}/void`).send().expect(200);
        await api.post(`/v1/checkouts/${toReturn}/returns`).send(RETURN_BODY).expect(200);
        const batch = await api.post('/v1/checkouts/batch').send({ sales: [oneShotCheckoutBody(uniquePosReference('ACLB'), storeAndTill(place))] }).expect(202);
        return { place, done, toVoid, toReturn, batch: batch.body.batchId as string };
      }),
    );
    const of = (pick: (p: (typeof prepared)[number]) => string) => byPlace((place) => pick(prepared.find((p) => p.place === place)!));
    completed = of((p) => p.done);
    voided = of((p) => p.toVoid);
    returned = of((p) => p.toReturn);
    batches = of((p) => p.batch);
    syncId = (await stack.api(stack.keys.admin).post('/v1/products/sync').send({ products: [{ code: 'ACL-1' }] }).expect(202)).body.syncId;
    encodedPayload = (await stack.api(stack.keys.admin).post('/v1/codec/encode').set('x-namespace', stack.config.TEMPORAL_NAMESPACE).send({ payloads: [PLAIN_PAYLOAD] }).expect(200)).body;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** The resource a templated route's target names. */
  function resourceFor(template: string, target: string): string {
    if (template === '/v1/products/sync/{id}' && target === 'sync') return syncId;
    if (!isPlace(target)) throw new Error(`${template}: target ${target} names no prepared resource`);
    if (template === '/v1/checkouts/batch/{id}') return batches[target];
    if (template.endsWith('/void')) return voided[target];
    if (template.endsWith('/returns')) return returned[target];
    return completed[target];
  }

  /** The body a route is sent: valid wherever it has one, so the answer is about access. */
  function bodyFor(route: string, target: string): object {
    switch (route) {
      case 'POST /v1/checkouts':
        if (!isPlace(target)) throw new Error(`${route} needs a place`);
        return oneShotCheckoutBody(createRefs[target], storeAndTill(target));
      case 'POST /v1/checkouts/batch':
        if (!isPlace(target)) throw new Error(`${route} needs a place`);
        return { batchReference: batchRefs[target].batch, sales: [oneShotCheckoutBody(batchRefs[target].sale, storeAndTill(target))] };
      case 'POST /v1/checkouts/{id}/returns':
        return RETURN_BODY;
      case 'POST /v1/checkouts/{id}/capillary-customer':
        return { identifier: { type: 'phone', value: '919999999999' } };
      case 'POST /v1/capillary/validation-codes':
        if (!isPlace(target)) throw new Error(`${route} needs a place`);
        return { ...storeAndTill(target), identifier: { type: 'phone', value: '919999999999' }, points: 100 };
      case 'POST /v1/products/sync':
        return { products: [{ code: 'ACL-1' }] };
      case 'POST /v1/ops/vendors/{vendor}/circuit':
        return { force: 'auto' };
      case 'POST /v1/codec/encode':
        return { payloads: [PLAIN_PAYLOAD] };
      case 'POST /v1/codec/decode':
        return encodedPayload as object;
      case 'PUT /v1/admin/callback':
        // No merchant URL: the matrix leaves no callback behind for the run's other checkouts.
        return { url: null, allCheckouts: false };
      case 'PUT /v1/admin/callback/stores/{store}':
        return { url: 'https://callbacks.invalid/checkout-ended' };
      case 'PUT /v1/admin/stores/{store}':
        // The store as seeded (migration 1764892800000), so the matrix changes nothing.
        return target === 'S1'
          ? { timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', crmcomOutlet: '0e5f1c2a-7b3d-4e8f-9a1b-2c3d4e5f6a01', cmcLocation: 'S1' }
          : { timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', cmcLocation: target };
      default:
        return {};
    }
  }

  function call(row: Pick<MatrixRow, 'route' | 'target'>, headers: Record<string, string>) {
    const [verb, template] = row.route.split(' ') as [string, string];
    const method = verb.toLowerCase() as Method;
    const path = template.includes('{id}')
      ? template.replace('{id}', encodeURIComponent(resourceFor(template, row.target)))
      : template.replace('{store}', row.target).replace('{vendor}', row.target).replace('{eventId}', NO_SUCH_EVENT);
    // The codec serves one namespace, named by every call (as the Temporal UI and CLI do).
    const namespace = template.startsWith('/v1/codec/') ? { 'x-namespace': stack.config.TEMPORAL_NAMESPACE } : {};
    const req = request(stack.apiUrl)[method](row.target.startsWith('?') ? `${path}${row.target}` : path).set({ ...namespace, ...headers });
    return method === 'get' ? req : req.send(bodyFor(row.route, row.target));
  }

  const routes = [...new Set(ACCESS_MATRIX.map((r) => r.route))];
  /** One row per route, to call it once. */
  const firstRows = routes.map((route) => ACCESS_MATRIX.find((r) => r.route === route)!);

  it('has a row for every route in the OpenAPI document, and every protected route declares the roles the table allows', () => {
    const labels = documented.map((o) => o.label);
    expect(labels.filter((l) => !routes.includes(l))).toEqual([]);
    expect(routes.filter((r) => !labels.includes(r)).sort()).toEqual([...UNDOCUMENTED].sort());
    const undeclared = documented.filter((o) => !PUBLIC.has(o.label) && !o.roles?.length).map((o) => o.label);
    expect(undeclared).toEqual([]);
    for (const op of documented.filter((o) => !PUBLIC.has(o.label))) {
      // The document must tell callers what the table (and so the API) does.
      expect([op.label, [...op.roles!].sort()]).toEqual([op.label, rolesAllowedOn(op.label).sort()]);
      expect([op.label, op.description]).toEqual([op.label, expect.stringContaining(`Roles: ${op.roles!.map((r) => `\`${r}\``).join(', ')}.`)]);
    }
  });

  it('answers every route, role and scope exactly as the table says, and never with a 5xx', async () => {
    const cells = ACCESS_MATRIX.flatMap((row) =>
      ROLES.flatMap((role) => SCOPES.map((scope, i) => ({ row, role, scope, expected: expectedOf(row.cells[role][i]!) }))),
    );
    const answers = await mapBounded(cells, 6, async (cell) => {
      const res = await call(cell.row, bearer(keys[cell.role][cell.scope]));
      return { ...cell, status: res.status, body: res.body as { type?: string; detail?: string } };
    });
    const name = (a: (typeof answers)[number]) => `${[a.row.route, a.row.target].filter(Boolean).join(' ')} as ${a.role} (${a.scope})`;
    expect(answers.filter((a) => a.status >= 500).map((a) => `${name(a)}: ${a.status} ${a.body?.detail ?? ''}`)).toEqual([]);
    const wrong = answers
      .filter((a) => a.status !== a.expected.status || (a.expected.problem !== undefined && a.body?.type !== a.expected.problem))
      .map((a) => `${name(a)}: expected ${a.expected.status} ${a.expected.problem ?? ''}, got ${a.status} ${a.body?.type ?? ''}`);
    expect(wrong).toEqual([]);
    // Not found says nothing about why: not the store, not the scope.
    const leaky = answers.filter((a) => a.status === 404 && /store|scope|till/.test(a.body?.detail ?? '')).map(name);
    expect(leaky).toEqual([]);
    expect(answers.length).toBe(ACCESS_MATRIX.length * ROLES.length * SCOPES.length);
  }, 120_000);

  it('answers the public routes without a key', async () => {
    for (const row of firstRows.filter((r) => PUBLIC.has(r.route))) {
      const res = await call(row, {});
      expect([row.route, res.status]).toEqual([row.route, 200]);
    }
  });

  it('answers 401 problem+json with WWW-Authenticate without a key, with an unknown key and with a revoked key', async () => {
    const unknown = `cs_000000000000_${'A'.repeat(43)}`;
    const probes = [['no key', {}], ['unknown key', bearer(unknown)], ['revoked key', bearer(revokedAdmin)], ['malformed', { authorization: 'Bearer nope' }]] as const;
    const calls = firstRows.filter((r) => !PUBLIC.has(r.route)).flatMap((row) => probes.map(([probe, headers]) => ({ row, probe, headers })));
    const answers = await mapBounded(calls, 6, async ({ row, probe, headers }) => {
      const res = await call(row, headers);
      return [row.route, probe, res.status, res.headers['content-type'], res.headers['www-authenticate']];
    });
    for (const [route, probe, status, contentType, wwwAuthenticate] of answers) {
      expect([route, probe, status]).toEqual([route, probe, 401]);
      expect(contentType).toContain('application/problem+json');
      expect(wwwAuthenticate).toMatch(/^Bearer realm="checkout-saga"/);
    }
  });

  it("refuses a checkout outside the key's store or till with 403 naming the field, before starting anything", async () => {
    const otherStore = await request(stack.apiUrl).post('/v1/checkouts').set(bearer(keys.pos.S1)).send(oneShotCheckoutBody(uniquePosReference('ACL'), { store: 'S2' })).expect(403);
    expect(otherStore.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [{ field: 'store' }] });
    const posReference = uniquePosReference('ACL');
    const otherTill = await request(stack.apiUrl).post('/v1/checkouts').set(bearer(keys.pos['S1/T1'])).send(oneShotCheckoutBody(posReference, { till: 'T2' })).expect(403);
    expect(otherTill.body).toMatchObject({ errors: [{ field: 'till' }] });
    await stack.api().get(`/v1/checkouts/checkout:demo:S1:T2:${posReference}`).expect(404);
    // Inside its scope the same key works, and the merchant comes from the key.
    const own = await request(stack.apiUrl).post('/v1/checkouts').set({ 'x-api-key': keys.pos['S1/T1'] }).send(oneShotCheckoutBody(posReference)).expect(201);
    expect(own.body.checkoutId).toBe(`checkout:${stack.config.MERCHANT_ID}:S1:T1:${posReference}`);
  });

  it('refuses every key on a route that declares no roles (deny by default)', async () => {
    class Undeclared {
      route() {
        return 'never';
      }
    }
    const keyStore = new ApiKeyStore(stack.dataSource);
    const refusals = new RefusedAccess(stack.dataSource, keyStore, 60_000);
    const guard = new ApiKeyGuard(new Reflector(), keyStore, refusals);
    const req = { headers: bearer(stack.keys.admin) };
    const context = new ExecutionContextHost([req, {}], Undeclared, Undeclared.prototype.route);
    await expect(guard.canActivate(context)).rejects.toMatchObject({ problem: { status: 403, detail: expect.stringContaining('declares no roles') } });
    await expect(guard.canActivate(new ExecutionContextHost([{ headers: {} }, {}], Undeclared, Undeclared.prototype.route))).rejects.toBeInstanceOf(ProblemException);
    await refusals.onModuleDestroy();
  });

  it("answers 429 with Retry-After once a key is over its own limit, counted across routes, without slowing other keys", async () => {
    const tiny = await stack.keyFor({ role: 'pos', rateLimitPerMinute: 3 });
    const absent = `/v1/checkouts/checkout:demo:S1:T1:absent-${randomUUID().slice(0, 8)}`;
    const first = await request(stack.apiUrl).get(absent).set(bearer(tiny)).expect(404);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    await request(stack.apiUrl).get(absent).set(bearer(tiny)).expect(404);
    await request(stack.apiUrl).post(`${absent}/cancel`).set(bearer(tiny)).expect(404);
    const limited = await request(stack.apiUrl).get(absent).set(bearer(tiny)).expect(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    await request(stack.apiUrl).post('/v1/checkouts').set(bearer(tiny)).send({}).expect(429);
    await stack.api().get(absent).expect(404);
    await request(stack.apiUrl).get('/health').expect(200);
  });
});
