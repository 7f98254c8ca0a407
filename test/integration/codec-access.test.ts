import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { ENCRYPTION_WORKFLOW_ID_KEY } from '../../core/temporal/encryption-codec';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { bearer, startTestStack, testKeyFactory, uniquePosReference, type TestStack } from '../support/test-stack';

/** A plain JSON payload as Temporal's remote codec protocol carries it (base64 metadata and data). */
const PLAIN = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"a customer\'s phone"').toString('base64') };
const UI_TOKEN = 'ui-token-for-this-test-0123456789abcdef';
const ISSUER = 'https://login.example.test/';
const AUDIENCE = 'temporal-ui';

/** An identity provider's JSON Web Key Set on a local port, as the UI's issuer publishes it. */
async function serveJwks(jwk: JWK): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256', use: 'sig' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}

const issuerKeys = generateKeyPair('ES256');
let jwks: { url: string; server: Server };

/**
 * Who may read payloads through the codec: a merchant-wide ops (or admin) key, the UI's OIDC access
 * token, the development UI's own token (decode only); nobody else, and only for our namespace.
 */
describe('the codec endpoint: who may decode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    jwks = await serveJwks(await exportJWK((await issuerKeys).publicKey));
    stack = await startTestStack({
      TEMPORAL_UI_CODEC_TOKEN: UI_TOKEN,
      CODEC_OIDC_ISSUER: ISSUER,
      CODEC_OIDC_AUDIENCE: AUDIENCE,
      CODEC_OIDC_JWKS_URL: jwks.url,
      CODEC_OIDC_REQUIRED_GROUP: 'checkout-ops',
      // Per caller: each test's keys are their own callers; the rate-limit test makes one call too many.
      CODEC_RATE_LIMIT_PER_MINUTE: '30',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => jwks.server.close(resolve));
  });

  const codec = (path: string, headers: Record<string, string>, body: unknown = { payloads: [PLAIN] }) =>
    request(stack.apiUrl).post(path).set({ 'x-namespace': 'default', ...headers }).send(body as object);
  const accessToken = async (claims: { aud?: string; iss?: string; expiresIn?: string; groups?: string[]; key?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] } = {}) =>
    new SignJWT({ scope: 'openid', groups: claims.groups ?? ['staff', 'checkout-ops'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('ops-person@example.test')
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '5m')
      .sign(claims.key ?? (await issuerKeys).privateKey);

  let encrypted: unknown;
  beforeAll(async () => {
    encrypted = (await codec('/v1/codec/encode', bearer(stack.keys.admin)).expect(200)).body;
  });

  it('an admin key encodes, a merchant-wide ops key decodes: the round trip gives the payload back', async () => {
    expect(JSON.stringify(encrypted)).not.toContain(PLAIN.data);
    const decoded = await codec('/v1/codec/decode', bearer(stack.keys.ops), encrypted).expect(200);
    expect(decoded.body).toEqual({ payloads: [PLAIN] });
  });

  it('a key scoped to a store, or of another role, is refused (403 problem+json)', async () => {
    const storeOps = await stack.keyFor({ role: 'ops', store: 'S1' });
    const scoped = await codec('/v1/codec/decode', bearer(storeOps), encrypted).expect(403);
    expect(scoped.headers['content-type']).toContain('application/problem+json');
    expect(scoped.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [{ field: 'store' }] });
    expect((await codec('/v1/codec/decode', bearer(stack.keys.pos), encrypted).expect(403)).body.type).toBe('/problems/forbidden-role');
    expect((await codec('/v1/codec/decode', bearer(stack.keys.finance), encrypted).expect(403)).body.type).toBe('/problems/forbidden-role');
  });

  it("encodes for admin keys only (the worker runs what is encoded); another merchant's keys are refused", async () => {
    expect((await codec('/v1/codec/encode', bearer(stack.keys.ops)).expect(403)).body.type).toBe('/problems/forbidden-role');
    expect((await codec('/v1/codec/encode', bearer(await accessToken())).expect(403)).body.type).toBe('/problems/forbidden-role');
    const otherAdmin = await testKeyFactory(stack.dataSource, 'another-merchant')({ role: 'admin' });
    const other = await codec('/v1/codec/decode', bearer(otherAdmin), encrypted).expect(403);
    expect(other.body).toMatchObject({ type: '/problems/outside-key-scope', errors: [{ field: 'merchant' }] });
  });

  it('no credentials, an unknown key or a made-up token: 401', async () => {
    await codec('/v1/codec/decode', {}, encrypted).expect(401);
    await codec('/v1/codec/decode', bearer('cs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), encrypted).expect(401);
    await codec('/v1/codec/decode', bearer('not-a-token'), encrypted).expect(401);
  });

  it('names the namespace: none is 400 naming X-Namespace, another is 403', async () => {
    const none = await request(stack.apiUrl).post('/v1/codec/decode').set(bearer(stack.keys.ops)).send(encrypted as object).expect(400);
    expect(none.body.errors).toEqual([{ field: 'X-Namespace', message: expect.any(String) }]);
    const other = await codec('/v1/codec/decode', { ...bearer(stack.keys.ops), 'x-namespace': 'someone-else' }, encrypted).expect(403);
    expect(other.body.type).toBe('/problems/forbidden-namespace');
  });

  it("the UI's OIDC access token decodes; another audience or issuer, an expired token or another signer does not", async () => {
    const decoded = await codec('/v1/codec/decode', bearer(await accessToken()), encrypted).expect(200);
    expect(decoded.body).toEqual({ payloads: [PLAIN] });
    await codec('/v1/codec/decode', bearer(await accessToken({ aud: 'another-app' })), encrypted).expect(401);
    await codec('/v1/codec/decode', bearer(await accessToken({ iss: 'https://evil.example.test/' })), encrypted).expect(401);
    await codec('/v1/codec/decode', bearer(await accessToken({ expiresIn: '-1m' })), encrypted).expect(401);
    // Signed in is not enough: the token must name the ops group.
    expect((await codec('/v1/codec/decode', bearer(await accessToken({ groups: ['staff'] })), encrypted).expect(403)).body.type).toBe('/problems/forbidden-role');
    const stranger = await generateKeyPair('ES256');
    await codec('/v1/codec/decode', bearer(await accessToken({ key: stranger.privateKey })), encrypted).expect(401);
  });

  it("the development UI's token decodes, in the path only, and encodes nothing; a wrong token is 404", async () => {
    const decoded = await codec(`/v1/codec/ui/${UI_TOKEN}/decode`, {}, encrypted).expect(200);
    expect(decoded.body).toEqual({ payloads: [PLAIN] });
    await codec(`/v1/codec/ui/${UI_TOKEN.replace(/.$/, 'x')}/decode`, {}, encrypted).expect(404);
    await codec(`/v1/codec/ui/${UI_TOKEN}/encode`, {}).expect(404);
    await codec('/v1/codec/decode', bearer(UI_TOKEN), encrypted).expect(401);
  });

  it('writes every answered call to security_events: who, the namespace and how many payloads, never the payloads', async () => {
    const before = await stack.dataSource.query(`SELECT coalesce(max(id), 0)::text AS id FROM security_events`);
    const opsKeyId = /^cs_([0-9a-f]{12})_/.exec(stack.keys.ops)![1];
    await codec('/v1/codec/decode', bearer(stack.keys.ops), encrypted).expect(200);
    await codec('/v1/codec/decode', bearer(await accessToken()), encrypted).expect(200);
    await codec(`/v1/codec/ui/${UI_TOKEN}/decode`, {}, encrypted).expect(200);
    await codec('/v1/codec/decode', bearer(stack.keys.pos), encrypted).expect(403);
    const rows: Array<{ event: string; merchant: string | null; actor: string; subject: string; detail: unknown }> = await stack.dataSource.query(
      `SELECT event, merchant, actor, subject, detail FROM security_events WHERE id > $1::bigint AND event LIKE 'payload_%' AND outcome = 'ok' ORDER BY id`,
      [before[0].id],
    );
    expect(rows).toEqual([
      { event: 'payload_decode', merchant: stack.config.MERCHANT_ID, actor: `key:${opsKeyId}`, subject: 'default', detail: { payloads: 1 } },
      { event: 'payload_decode', merchant: null, actor: 'oidc:ops-person@example.test', subject: 'default', detail: { payloads: 1 } },
      { event: 'payload_decode', merchant: null, actor: 'ui-token', subject: 'default', detail: { payloads: 1 } },
    ]);
    expect(JSON.stringify(rows)).not.toContain(PLAIN.data);
  });

  it("names the saga a decode was for: the workflow id each payload carries (bound to its ciphertext, so it cannot be edited)", async () => {
    const sale = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('CX'))).expect(201);
    const checkoutId = sale.body.checkoutId as string;
    // The history as the UI gets it from the server: the saga's input, sealed by the API's codec.
    const history = await new Client({ connection: stack.temporal.connection }).workflow.getHandle(checkoutId).fetchHistory();
    const [input] = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(Buffer.from(input.metadata?.[ENCRYPTION_WORKFLOW_ID_KEY] ?? []).toString()).toBe(checkoutId);
    const asJson = (metadata: Record<string, Uint8Array>) => ({
      metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(input.data ?? []).toString('base64'),
    });
    const ops = await stack.keyFor({ role: 'ops' });
    const before = await stack.dataSource.query(`SELECT coalesce(max(id), 0)::text AS id FROM security_events`);
    const decoded = await codec('/v1/codec/decode', bearer(ops), { payloads: [asJson(input.metadata ?? {})] }).expect(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()).toContain(sale.body.checkoutId.split(':').pop());
    const [row] = await stack.dataSource.query(`SELECT detail FROM security_events WHERE id > $1::bigint AND event = 'payload_decode' AND outcome = 'ok'`, [before[0].id]);
    expect(row.detail).toEqual({ payloads: 1, workflows: [checkoutId] });

    // The same ciphertext said to be another saga's: it does not decrypt.
    const moved = { ...(input.metadata ?? {}), [ENCRYPTION_WORKFLOW_ID_KEY]: Buffer.from('checkout:demo:S1:T1:another') };
    const refused = await codec('/v1/codec/decode', bearer(ops), { payloads: [asJson(moved)] }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'payloads' })]);
  });

  it('writes refused calls too: a bad key as a failed authentication, a known caller refused by scope, namespace or rate limit as a refused decode', async () => {
    const before = await stack.dataSource.query(`SELECT coalesce(max(id), 0)::text AS id FROM security_events`);
    const keyIdOf = (key: string) => /^cs_([0-9a-f]{12})_/.exec(key)![1];
    const storeOps = await stack.keyFor({ role: 'ops', store: 'S2' });
    const wrongNamespace = await stack.keyFor({ role: 'ops' });
    const busy = await stack.keyFor({ role: 'ops' });
    const unknownKeyId = randomBytes(6).toString('hex');
    await codec('/v1/codec/decode', bearer(`cs_${unknownKeyId}_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`), encrypted).expect(401);
    await codec('/v1/codec/decode', bearer(storeOps), encrypted).expect(403);
    await codec('/v1/codec/decode', { ...bearer(wrongNamespace), 'x-namespace': 'someone-else' }, encrypted).expect(403);
    // The limit is per caller (30 a minute here): the 31st call of one key is 429 with Retry-After, another key is unaffected.
    for (let i = 0; i < 30; i++) await codec('/v1/codec/decode', bearer(busy), encrypted).expect(200);
    const limited = await codec('/v1/codec/decode', bearer(busy), encrypted).expect(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await codec('/v1/codec/decode', bearer(busy), encrypted).expect(429);
    await codec('/v1/codec/decode', bearer(stack.keys.ops), encrypted).expect(200);
    // This test's callers only: earlier tests' refusals still counting in their window may be written meanwhile.
    const rows: Array<{ event: string; actor: string; subject: string | null; outcome: string; count: number; detail: unknown }> = await stack.dataSource.query(
      `SELECT event, actor, subject, outcome, count, detail FROM security_events
        WHERE id > $1::bigint AND outcome = 'refused' AND (subject = $2 OR actor = ANY($3)) ORDER BY id`,
      [before[0].id, unknownKeyId, [storeOps, wrongNamespace, busy].map((k) => `key:${keyIdOf(k)}`)],
    );
    expect(rows).toEqual([
      { event: 'authentication_failed', actor: 'anonymous', subject: unknownKeyId, outcome: 'refused', count: 1, detail: { reason: 'unknown-or-revoked' } },
      { event: 'payload_decode', actor: `key:${keyIdOf(storeOps)}`, subject: null, outcome: 'refused', count: 1, detail: { reason: 'scope' } },
      { event: 'payload_decode', actor: `key:${keyIdOf(wrongNamespace)}`, subject: null, outcome: 'refused', count: 1, detail: { reason: 'namespace' } },
      // The second 429 is counted in the same row's window, written when the window closes.
      { event: 'payload_decode', actor: `key:${keyIdOf(busy)}`, subject: null, outcome: 'refused', count: 1, detail: { reason: 'rate-limited' } },
    ]);
  });
});
