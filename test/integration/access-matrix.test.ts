import { randomUUID } from 'node:crypto';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import request from 'supertest';
import { ApiKeyGuard } from '../../src/access/api-key.guard';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { parseApiKey } from '../../core/access/api-key-format';
import { ROLES, type Role } from '../../core/access/roles';
import { ProblemException } from '../../src/common/problem';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { bearer, startTestStack, testKeyFactory, uniquePosReference, type TestStack } from '../support/test-stack';

/** Routes anyone may call. Everything else in the OpenAPI document must declare its roles. */
const PUBLIC = new Set(['GET /health', 'GET /ready']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  label: string;
  method: (typeof METHODS)[number];
  template: string;
  roles: Role[] | undefined;
  description: string | undefined;
}

/**
 * Every endpoint the running API describes (its OpenAPI document, so a new endpoint cannot escape)
 * against every kind of caller: no key 401, revoked key 401, wrong role 403, the right role not
 * 401/403, another store's checkout 404, another merchant's resource 404.
 */
describe('access matrix', () => {
  let stack: TestStack;
  let operations: Operation[];
  /** Resources that exist, per path template: another merchant (or store) must not find them. */
  const fixtures: Record<string, string> = {};
  let otherMerchantAdmin: string;
  let revokedAdmin: string;
  let s1Pos: string;
  let s1t1Pos: string;
  let checkoutS2: string;

  beforeAll(async () => {
    stack = await startTestStack();
    const keyFor = stack.keyFor;
    otherMerchantAdmin = await testKeyFactory(stack.dataSource, `other-${randomUUID().slice(0, 8)}`)({ role: 'admin' });
    revokedAdmin = await keyFor({ role: 'admin' });
    await new ApiKeyStore(stack.dataSource).revoke(parseApiKey(revokedAdmin)!.keyId);
    s1Pos = await keyFor({ role: 'pos', store: 'S1' });
    s1t1Pos = await keyFor({ role: 'pos', store: 'S1', till: 'T1' });

    const doc = (await request(stack.apiUrl).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: Role[]; description?: string }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({
        label: `${method.toUpperCase()} ${template}`,
        method,
        template,
        roles: item[method]!['x-roles'],
        description: item[method]!.description,
      })),
    );

    // A store S2 checkout of this merchant (created by the merchant-wide pos key), and a product sync.
    const created = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('ACL'), { store: 'S2' })).expect(201);
    checkoutS2 = created.body.checkoutId;
    await stack.api().get(`/v1/checkouts/${checkoutS2}`).expect(200);
    const sync = await stack.api(stack.keys.admin).post('/v1/products/sync').send({ products: [{ code: 'ACL-1' }] }).expect(202);
    const batch = await stack.api().post('/v1/checkouts/batch').send({ sales: [oneShotCheckoutBody(uniquePosReference('ACLB'), { store: 'S2' })] }).expect(202);
    fixtures['/v1/checkouts/{id}'] = checkoutS2;
    fixtures['/v1/checkouts/batch/{id}'] = batch.body.batchId;
    fixtures['/v1/ops/sagas/{id}'] = checkoutS2;
    fixtures['/v1/products/sync/{id}'] = sync.body.syncId;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const VALID_BODIES: Record<string, object> = {
    '/v1/checkouts/{id}/returns': { returnReference: 'ACL-RETURN', amount: '1.00' },
  };

  /** The existing resource for a templated path; checkout sub-resources share the checkout's. */
  function fixtureFor(template: string): string | undefined {
    if (!template.includes('{')) return undefined;
    const base = ['/v1/checkouts/{id}', '/v1/ops/sagas/{id}'].find((resource) => template.startsWith(resource)) ?? template;
    return fixtures[base];
  }

  function call(op: Operation, headers: Record<string, string>, id?: string) {
    const path = op.template.replace(/\{[^}]+\}/g, encodeURIComponent(id ?? `checkout:demo:S2:T1:absent-${randomUUID().slice(0, 8)}`));
    const req = request(stack.apiUrl)[op.method](path).set(headers);
    // A valid body where the endpoint validates one, so the answer is about access, not the body.
    return op.method === 'get' || op.method === 'delete' ? req : req.send(VALID_BODIES[op.template] ?? {});
  }

  it('finds the endpoints in the OpenAPI document, and every protected one declares its roles', () => {
    expect(operations.map((o) => o.label)).toEqual(expect.arrayContaining(['POST /v1/checkouts', 'GET /v1/checkouts/{id}', 'POST /v1/products/sync', 'GET /health']));
    const undeclared = operations.filter((o) => !PUBLIC.has(o.label) && !o.roles?.length).map((o) => o.label);
    expect(undeclared).toEqual([]);
    for (const op of operations.filter((o) => !PUBLIC.has(o.label))) {
      expect([op.label, op.description]).toEqual([op.label, expect.stringContaining(`Roles: ${op.roles!.map((r) => `\`${r}\``).join(', ')}.`)]);
    }
    for (const op of operations.filter((o) => o.template.includes('{') && !PUBLIC.has(o.label))) {
      expect([op.label, fixtureFor(op.template) ? 'has a fixture' : 'needs a fixture in access-matrix.test.ts']).toEqual([op.label, 'has a fixture']);
    }
  });

  it('answers the public routes without a key', async () => {
    for (const op of operations.filter((o) => PUBLIC.has(o.label))) {
      const res = await call(op, {});
      expect([op.label, res.status]).toEqual([op.label, 200]);
    }
    await request(stack.apiUrl).get('/docs-json').expect(200);
  });

  it('answers 401 problem+json with WWW-Authenticate without a key, with an unknown key and with a revoked key', async () => {
    const unknown = `cs_000000000000_${'A'.repeat(43)}`;
    for (const op of operations.filter((o) => !PUBLIC.has(o.label))) {
      for (const [name, headers] of [['no key', {}], ['unknown key', bearer(unknown)], ['revoked key', bearer(revokedAdmin)], ['malformed', { authorization: 'Bearer nope' }]] as const) {
        const res = await call(op, headers, fixtureFor(op.template));
        expect([op.label, name, res.status]).toEqual([op.label, name, 401]);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="checkout-saga"/);
      }
    }
  });

  it('answers 403 to every role the endpoint does not allow, and not 401/403 to every role it does', async () => {
    for (const op of operations.filter((o) => !PUBLIC.has(o.label))) {
      for (const role of ROLES) {
        const res = await call(op, bearer(stack.keys[role]));
        if (op.roles!.includes(role)) {
          expect([op.label, role, [401, 403].includes(res.status)]).toEqual([op.label, role, false]);
        } else {
          expect([op.label, role, res.status]).toEqual([op.label, role, 403]);
          expect(res.body).toMatchObject({ type: '/problems/forbidden-role', status: 403 });
        }
      }
    }
    expect(operations.find((o) => o.label === 'GET /v1/checkouts/{id}')?.roles).toEqual(['pos', 'ops', 'finance', 'admin']);
  });

  it("answers 404 for another merchant's resources, even to its admin", async () => {
    for (const op of operations.filter((o) => fixtureFor(o.template))) {
      const res = await call(op, bearer(otherMerchantAdmin), fixtureFor(op.template));
      expect([op.label, res.status]).toEqual([op.label, 404]);
    }
  });

  it("answers 404 for another store's or till's checkout, on every checkout endpoint", async () => {
    const checkoutOps = operations.filter((o) => o.template.startsWith('/v1/checkouts/{id}'));
    expect(checkoutOps.length).toBeGreaterThanOrEqual(5); // GET, commit, complete, cancel, void
    for (const op of checkoutOps) {
      for (const key of [s1Pos, s1t1Pos]) {
        const res = await call(op, bearer(key), checkoutS2);
        expect([op.label, res.status]).toEqual([op.label, 404]);
        expect(res.body.detail).not.toMatch(/store|scope/);
      }
    }
    const s2t2 = await stack.keyFor({ role: 'pos', store: 'S2', till: 'T2' });
    await request(stack.apiUrl).get(`/v1/checkouts/${checkoutS2}`).set(bearer(s2t2)).expect(404);
    const s2 = await stack.keyFor({ role: 'ops', store: 'S2' });
    await request(stack.apiUrl).get(`/v1/checkouts/${checkoutS2}`).set(bearer(s2)).expect(200);
  });

  it("refuses a checkout outside the key's store or till with 403 naming the field, before starting anything", async () => {
    const otherStore = await request(stack.apiUrl).post('/v1/checkouts').set(bearer(s1Pos)).send(oneShotCheckoutBody(uniquePosReference('ACL'), { store: 'S2' })).expect(403);
    expect(otherStore.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [{ field: 'store' }] });
    const posReference = uniquePosReference('ACL');
    const otherTill = await request(stack.apiUrl).post('/v1/checkouts').set(bearer(s1t1Pos)).send(oneShotCheckoutBody(posReference, { till: 'T2' })).expect(403);
    expect(otherTill.body).toMatchObject({ errors: [{ field: 'till' }] });
    await stack.api().get(`/v1/checkouts/checkout:demo:S1:T2:${posReference}`).expect(404);
    // Inside its scope the same key works, and the merchant comes from the key.
    const own = await request(stack.apiUrl).post('/v1/checkouts').set({ 'x-api-key': s1t1Pos }).send(oneShotCheckoutBody(posReference)).expect(201);
    expect(own.body.checkoutId).toBe(`checkout:${stack.config.MERCHANT_ID}:S1:T1:${posReference}`);
  });

  it('refuses every key on a route that declares no roles (deny by default)', async () => {
    class Undeclared {
      route() {
        return 'never';
      }
    }
    const guard = new ApiKeyGuard(new Reflector(), new ApiKeyStore(stack.dataSource));
    const req = { headers: bearer(stack.keys.admin) };
    const context = new ExecutionContextHost([req, {}], Undeclared, Undeclared.prototype.route);
    await expect(guard.canActivate(context)).rejects.toMatchObject({ problem: { status: 403, detail: expect.stringContaining('declares no roles') } });
    await expect(guard.canActivate(new ExecutionContextHost([{ headers: {} }, {}], Undeclared, Undeclared.prototype.route))).rejects.toBeInstanceOf(ProblemException);
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
