import { AuditEvent } from '../../core/audit/audit-event.entity';
import { BATCH_LINE_LIMIT, BATCH_SALE_LIMIT } from '../../workflows/checkout-batch.contract';
import { JSON_DEPTH_LIMIT } from '../../src/common/json-depth';
import { jsonBodyLimitOf } from '../../src/common/json-body-limits';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/**
 * What no till or back office should send, answered 4xx problem+json before anything runs: JSON
 * nested too deep for the transformer, bodies beyond their route's size, batches beyond their line
 * count, lines whose amounts do not add up.
 */
describe('bad input through HTTP', () => {
  const stack = testStackForFile();

  const workflowCount = async () => Number((await stack.temporal.workflow.count(`TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}"`)).count);
  const auditCount = () => stack.dataSource.getRepository(AuditEvent).count();
  /** A raw JSON text as the body, so the test sends exactly these bytes. */
  const postRaw = (path: string, key: string, text: string) =>
    stack.api(key).post(path).set('content-type', 'application/json').timeout(30_000).send(text);

  /** Runs `send`, and checks nothing was started or audited by it. */
  async function nothingStarted<T>(send: () => Promise<T>): Promise<T> {
    const [workflows, audit] = [await workflowCount(), await auditCount()];
    const answer = await send();
    expect(await workflowCount()).toBe(workflows);
    expect(await auditCount()).toBe(audit);
    return answer;
  }

  describe('deeply nested JSON', () => {
    const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
    const routes = [
      ['/v1/checkouts', 'pos'],
      ['/v1/checkouts/batch', 'pos'],
      ['/v1/products/sync', 'admin'],
    ] as const;

    it.each(routes)('POST %s: 5,000-deep arrays and 3,000-deep objects are a 400 naming where, and start nothing', async (path, role) => {
      for (const [text, field] of [
        [deepArray, /^body(\[0\]){32}$/],
        [deepObject, /^a(\.a){31}$/],
      ] as const) {
        const res = await nothingStarted(() => postRaw(path, stack.keys[role], text));
        expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
        expect(res.body).toMatchObject({ type: '/problems/invalid-request', status: 400 });
        expect(res.body.errors).toEqual([{ field: expect.stringMatching(field), message: `nests deeper than ${JSON_DEPTH_LIMIT} levels of objects and arrays` }]);
      }
    });

    it('under a real field, names the path from the top of the body', async () => {
      const posReference = uniquePosReference('DEEP');
      const body = JSON.stringify(oneShotCheckoutBody(posReference)).replace('"sku":"Soft Drinks"', `"sku":${'['.repeat(40)}${']'.repeat(40)}`);
      const res = await nothingStarted(() => postRaw('/v1/checkouts', stack.keys.pos, body));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: `lines[0].sku${'[0]'.repeat(JSON_DEPTH_LIMIT - 3)}`, message: expect.stringContaining('deeper than') }]);
      expect(await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`)).toEqual([]);
    });

    it('is refused on every JSON route, before the key is even looked at', async () => {
      const put = await stack.api(stack.keys.admin).put('/v1/admin/stores/S9').set('content-type', 'application/json').send(deepArray);
      expect([put.status, put.body.errors?.[0]?.message]).toEqual([400, expect.stringContaining('deeper than')]);
      const anonymous = await stack.api('not-a-key').post('/v1/capillary/validation-codes').set('content-type', 'application/json').send(deepObject);
      expect([anonymous.status, anonymous.body.errors?.[0]?.message]).toEqual([400, expect.stringContaining('deeper than')]);
    });
  });

  describe('body size, per route', () => {
    /** A JSON object of `bytes` bytes: a checkout body padded by an unknown field (refused by validation if read). */
    const paddedTo = (bytes: number, body: Record<string, unknown>) => {
      const text = JSON.stringify({ ...body, padding: '' });
      return `${text.slice(0, -2)}${'x'.repeat(bytes - text.length)}"}`;
    };

    it('a checkout one byte over its limit is a 413 naming the limit; at the limit it is read', async () => {
      const limit = jsonBodyLimitOf('POST', '/v1/checkouts');
      const body = oneShotCheckoutBody(uniquePosReference('BIG'));
      const over = await nothingStarted(() => postRaw('/v1/checkouts', stack.keys.pos, paddedTo(limit.bytes + 1, body)));
      expect([over.status, over.headers['content-type']]).toEqual([413, expect.stringContaining('application/problem+json')]);
      expect(over.body).toMatchObject({ type: '/problems/body-too-large', status: 413 });
      expect(over.body.errors).toEqual([{ field: 'body', message: `is larger than ${limit.label}, the most POST /v1/checkouts takes` }]);
      const at = await postRaw('/v1/checkouts', stack.keys.pos, paddedTo(limit.bytes, body));
      expect([at.status, at.body.errors]).toEqual([400, [{ field: 'padding', message: 'property padding should not exist' }]]);
    });

    it('other routes take the small default; only product sync takes 16 MB', async () => {
      const small = jsonBodyLimitOf('PUT', '/v1/admin/stores/S9');
      expect(small.bytes).toBe(256 * 1024);
      const store = await stack.api(stack.keys.admin).put('/v1/admin/stores/S9').set('content-type', 'application/json').send(paddedTo(small.bytes + 1, {}));
      expect([store.status, store.body.errors?.[0]?.message]).toEqual([413, 'is larger than 256 KB, the most PUT /v1/admin/stores/S9 takes']);

      const sync = jsonBodyLimitOf('POST', '/v1/products/sync');
      expect(sync.bytes).toBe(16 * 1024 * 1024);
      const products = Array.from({ length: 60_000 }, (_, i) => ({ code: `P-${i}`, description: 'd'.repeat(120) }));
      const read = await nothingStarted(() => postRaw('/v1/products/sync', stack.keys.admin, JSON.stringify({ products, extra: 1 })));
      expect([read.status, read.body.errors]).toEqual([400, [{ field: 'extra', message: 'property extra should not exist' }]]);
      const tooBig = await nothingStarted(() => postRaw('/v1/products/sync', stack.keys.admin, paddedTo(sync.bytes + 1, { products: [] })));
      expect([tooBig.status, tooBig.body.errors?.[0]?.message]).toEqual([413, 'is larger than 16 MB, the most POST /v1/products/sync takes']);
    }, 60_000);
  });

  describe('batch size', () => {
    /** A batch of `sales` sales of `linesEach` lines, each line with the longest SKU and description the DTO takes. */
    const batchOf = (prefix: string, sales: number, linesEach: number) => ({
      sales: Array.from({ length: sales }, (_, i) => ({
        ...oneShotCheckoutBody(`${prefix}-${i}`),
        lines: Array.from({ length: linesEach }, (_, j) => ({
          sku: `${'S'.repeat(96)}${String(j).padStart(4, '0')}`,
          description: 'D'.repeat(200),
          quantity: 1,
          totalAmount: '10.00',
          netAmount: '8.00',
          vatAmount: '2.00',
        })),
      })),
    });

    it(`refuses more than ${BATCH_LINE_LIMIT} lines in all, naming sales, and starts nothing`, async () => {
      const linesEach = Math.floor(BATCH_LINE_LIMIT / BATCH_SALE_LIMIT) + 1;
      const res = await nothingStarted(() => stack.api().post('/v1/checkouts/batch').send(batchOf(uniquePosReference('L'), BATCH_SALE_LIMIT, linesEach)));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'sales', message: `carry ${BATCH_SALE_LIMIT * linesEach} lines in all; a batch takes at most ${BATCH_LINE_LIMIT} (split the upload)` },
      ]);
    }, 60_000);

    it('the largest batch there can be, with the longest lines, is under the size limit: read and validated', async () => {
      const body = batchOf(uniquePosReference('M'), BATCH_SALE_LIMIT, BATCH_LINE_LIMIT / BATCH_SALE_LIMIT);
      (body.sales[499].lines[0] as Record<string, unknown>).totalAmount = '10.001';
      const text = JSON.stringify(body);
      expect(text.length).toBeLessThanOrEqual(jsonBodyLimitOf('POST', '/v1/checkouts/batch').bytes);
      const res = await nothingStarted(() => postRaw('/v1/checkouts/batch', stack.keys.pos, text));
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'sales[499].lines[0].totalAmount']);
    }, 60_000);
  });

  describe('line amounts', () => {
    const line = (totalAmount: string, netAmount: string, vatAmount: string) => ({ sku: 'Soft Drinks', quantity: 1, totalAmount, netAmount, vatAmount });

    it('refuses a line whose net and VAT do not add up to its total, naming the line, and starts nothing', async () => {
      const posReference = uniquePosReference('SUM');
      const body = oneShotCheckoutBody(posReference, { lines: [line('10.00', '8.00', '2.00'), line('10.00', '8.00', '2.01')] });
      const res = await nothingStarted(() => stack.api().post('/v1/checkouts').send(body));
      expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
      expect(res.body.errors).toEqual([{ field: 'lines[1].totalAmount', message: 'must be netAmount + vatAmount (8.00 + 2.01 = 10.01), not 10.00' }]);
      expect(await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`)).toEqual([]);
    });

    it('adds in minor units: 0.10 + 0.20 is 0.30 (a float would say 0.30000000000000004)', async () => {
      const posReference = uniquePosReference('CENTS');
      const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { lines: [line('0.30', '0.10', '0.2')] }));
      expect([res.status, res.body.state]).toEqual([201, 'completed']);
    });

    it('refuses a batch sale whose line does not add up, naming it under its sale', async () => {
      const prefix = uniquePosReference('BSUM');
      const sales: Array<Record<string, unknown>> = Array.from({ length: 4 }, (_, i) => oneShotCheckoutBody(`${prefix}-${i}`));
      sales[3] = { ...sales[3], lines: [line('5.00', '5.00', '0.00'), line('12.00', '10.00', '1.00')] };
      const res = await nothingStarted(() => stack.api().post('/v1/checkouts/batch').send({ sales }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'sales[3].lines[1].totalAmount', message: 'must be netAmount + vatAmount (10.00 + 1.00 = 11.00), not 12.00' }]);
    });
  });
});
