import { stringify } from 'safe-stable-stringify';
import fc from 'fast-check';
import { AuditEvent } from '../../core/audit/audit-event.entity';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { journalOf } from '../support/journal';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/** What reaches the API from a till: malformed bodies and bursts of the same request. */
describe('POST /v1/checkouts input and idempotency', () => {
  const stack = testStackForFile();

  const workflowCount = async () => (await stack.temporal.workflow.count()).count;

  // Values that are wrong for every field of a kind, so every mutation below is a malformed body.
  const notAString = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}));
  const badText = fc.oneof(notAString, fc.constant(''), fc.constantFrom(' ', '\t', '   '), fc.constant('x'.repeat(300)));
  const badKey = fc.oneof(badText, fc.constantFrom('a:b', 'S 1', 'Ré', 'T/1'));
  const badAmount = fc.oneof(badText, fc.constantFrom('10.001', '-1.00', '1e3', '1,00', '.5', 'ten', '10.00.0'));
  const badNumber = fc.oneof(fc.constant(null), fc.string({ maxLength: 5 }), fc.constantFrom(0, -1, 1e9, 5e-324, 0.0001, Number.MAX_VALUE), fc.constant([]));
  const badPoints = fc.oneof(badNumber, fc.constantFrom(1.5, 0));
  const badObject = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.array(fc.integer(), { maxLength: 2 }));
  // Optional objects and lists may be null (JSON's "absent"), so null is not malformed for them.
  const badOptionalObject = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.array(fc.integer(), { maxLength: 2 }));
  const badOptionalArray = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant({}));
  const badArray = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.constant({}));
  const badCode = fc.oneof(notAString, fc.constantFrom('', 'abc', '4PZ GXC', '4PZGXC4PZGXC', 'ÄPZGXC'));
  const badEnum = fc.oneof(notAString, fc.constantFrom('', 'CRMCOM', 'unknown', 'capilary'));

  type Path = readonly (string | number)[];
  const setters: Array<[Path, fc.Arbitrary<unknown>]> = [
    [['store'], badKey], [['till'], badKey], [['posReference'], badKey],
    [['performedOn'], fc.oneof(badText, fc.constantFrom('2026-11-21', '2026-11-21T10:00:00', 'yesterday', '21/11/2026 10:00'))],
    [['currency'], fc.oneof(badText, fc.constantFrom('EURO', 'eur', 'XXX1', 'ZZZ'))],
    [['customer'], badOptionalObject], [['customer', 'provider'], badEnum], [['customer', 'identifier'], badObject],
    [['customer', 'identifier', 'type'], badEnum], [['customer', 'identifier', 'value'], badText],
    [['lines'], fc.oneof(badArray, fc.constant([]))], [['lines', 0], badObject], [['lines', 0, 'sku'], badText],
    [['lines', 0, 'quantity'], badNumber], [['lines', 0, 'totalAmount'], badAmount], [['lines', 0, 'netAmount'], badAmount],
    [['lines', 0, 'vatAmount'], badAmount], [['complete'], fc.oneof(fc.integer(), fc.constantFrom('true', 'yes'))],
    [['spend'], badOptionalObject], [['spend', 'amount'], badAmount], [['points'], badOptionalObject], [['points', 'provider'], badEnum],
    [['points', 'points'], badPoints], [['points', 'identifier', 'type'], fc.constantFrom('code', 'number', 'nope', null)],
    [['coupons'], badOptionalArray], [['coupons', 0], badObject], [['coupons', 0, 'provider'], badEnum], [['coupons', 0, 'code'], badText],
    [['postTender'], badOptionalObject], [['postTender', 'provider'], badEnum],
    // Capillary validation codes and enrolment details: optional, never null (null was taken for "no code", or a 500).
    [['points', 'validationCode'], badCode], [['coupons', 1, 'validationCode'], badCode], [['points', 'enrol'], badOptionalObject],
    [['points', 'enrol', 'firstName'], fc.oneof(notAString, fc.constant(''), fc.constant('x'.repeat(101)))],
    [['points', 'enrol', 'mobile'], fc.oneof(notAString, fc.constantFrom('', 'abc', '447000000009'))],
    [['points', 'enrol', 'email'], fc.oneof(notAString, fc.constantFrom('', 'nope'))],
  ];
  const required: Path[] = [
    ['store'], ['till'], ['posReference'], ['performedOn'], ['currency'], ['lines'], ['customer', 'provider'], ['customer', 'identifier'],
    ['customer', 'identifier', 'type'], ['customer', 'identifier', 'value'], ['lines', 0, 'sku'], ['lines', 0, 'quantity'],
    ['lines', 0, 'totalAmount'], ['lines', 0, 'netAmount'], ['lines', 0, 'vatAmount'], ['spend', 'amount'], ['points', 'provider'],
    ['points', 'points'], ['coupons', 0, 'provider'], ['coupons', 0, 'code'], ['postTender', 'provider'],
  ];
  const mutation = fc.oneof(
    fc.constantFrom(...setters).chain(([path, bad]) => bad.map((value) => ({ kind: 'set', path, value }))),
    fc.constantFrom(...required).map((path) => ({ kind: 'drop', path })),
    fc.record({ kind: fc.constant('extra'), path: fc.constantFrom<Path>([], ['customer'], ['lines', 0], ['spend']), value: fc.jsonValue() }),
  );

  function mutate(body: Record<string, unknown>, m: { kind: string; path: readonly (string | number)[]; value?: unknown }) {
    const copy = structuredClone(body) as Record<string, unknown>;
    if (m.kind === 'extra') {
      let target: Record<string, unknown> = copy;
      for (const key of m.path) target = target[key as string] as Record<string, unknown>;
      target.unexpectedField = m.value;
      return copy;
    }
    let parent: Record<string | number, unknown> = copy;
    for (const key of m.path.slice(0, -1)) {
      const next = parent[key];
      if (next === null || typeof next !== 'object') return undefined; // the path does not exist in this body
      parent = next as Record<string | number, unknown>;
    }
    const last = m.path[m.path.length - 1];
    if (m.kind === 'drop') delete parent[last];
    else parent[last] = m.value;
    return copy;
  }

  it('answers at least 1,000 malformed bodies with 4xx problem+json naming a field, and starts no saga', async () => {
    const before = await workflowCount();
    const statuses = new Map<number, number>();
    let runs = 0;
    const base = {
      ...oneShotCheckoutBody('PROP'),
      spend: { amount: '1.00' },
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: '919999999999' }, validationCode: '4PZGXC', enrol: { firstName: 'Tom', mobile: '919999999999', email: 'tom@example.com' } },
      coupons: [{ provider: 'coupontools', code: 'kkfiznr8Yp8630h82es8d' }, { provider: 'capillary', code: 'CAPCPN1', validationCode: '4PZGXC' }],
      postTender: { provider: 'cmc' },
    };
    await fc.assert(
      fc.asyncProperty(mutation, fc.nat(), async (m, n) => {
        const body = mutate({ ...base, posReference: `PROP${n}` }, m);
        if (!body) return;
        runs += 1;
        // A malformed body is refused at once; one that hangs was taken for a checkout.
        const res = await stack.api().post('/v1/checkouts').timeout(10_000).send(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.errors?.[0]?.field).toEqual(expect.any(String));
      }),
      { numRuns: 1200 },
    );
    expect(runs).toBeGreaterThanOrEqual(1000);
    expect([...statuses.keys()]).toEqual([400]);
    expect(await workflowCount()).toBe(before);
  }, 120_000);

  describe('refused before any saga starts or any vendor is called, naming the field', () => {
    // A store with the longest id there is, so the POS reference is what does not fit: a real store (a row).
    beforeAll(() =>
      stack.dataSource.query(`INSERT INTO stores (merchant, store, time_zone) VALUES ('demo', $1, 'Asia/Nicosia') ON CONFLICT DO NOTHING`, ['S'.repeat(40)]),
    );
    const capillaryCheckout = (posReference: string, overrides: Record<string, unknown> = {}) => ({
      ...oneShotCheckoutBody(posReference),
      store: 'S'.repeat(40),
      points: { provider: 'capillary', points: 10, identifier: { type: 'phone', value: '919999999999' } },
      ...overrides,
    });
    const nothingStarted = async (posReference: string, store = 'S'.repeat(40)) => {
      const checkoutId = `checkout:demo:${store}:T1:${posReference}`;
      await expect(stack.temporal.workflow.getHandle(checkoutId).describe()).rejects.toThrow(/not found/i);
      expect(await journalOf(stack.sandboxUrl, `demo:${store}:T1:${posReference}`)).toEqual([]);
      expect(await stack.dataSource.getRepository(AuditEvent).count({ where: { checkoutId } })).toBe(0);
    };

    it('a POS reference too long for any Capillary bill number (50 characters), when the checkout is billed at Capillary', async () => {
      const posReference = `${uniquePosReference('LONG')}${'r'.repeat(30)}`;
      const res = await stack.api().post('/v1/checkouts').send(capillaryCheckout(posReference)).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field: 'posReference', message: expect.stringMatching(/longer than 33 characters.*Capillary.*50 characters/) }]);
      await nothingStarted(posReference);
      // Without Capillary the same reference is no bill number: the checkout runs.
      const crmcomOnly = await stack.api().post('/v1/checkouts').send({ ...capillaryCheckout(posReference), points: undefined }).expect(201);
      expect(crmcomOnly.body.state).toBe('completed');
    });

    it('a currency a vendor account the checkout needs does not keep', async () => {
      const posReference = uniquePosReference('USD');
      const res = await stack.api().post('/v1/checkouts').send(capillaryCheckout(posReference, { currency: 'USD' })).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        { field: 'currency', message: 'the CRM.COM account this checkout needs (customer) keeps EUR only (CRMCOM_CURRENCY), not USD' },
        { field: 'currency', message: 'the Capillary account this checkout needs (points) keeps EUR only (CAPILLARY_CURRENCY), not USD' },
      ]);
      await nothingStarted(posReference);
    });
  });

  it('starts one saga for 100 concurrent identical requests and gives all of them the same answer', async () => {
    const posReference = uniquePosReference('BURST');
    const body = oneShotCheckoutBody(posReference);
    const answers = await Promise.all(Array.from({ length: 100 }, () => stack.api().post('/v1/checkouts').send(body)));

    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    // The same answer: equal JSON (key order is not part of it; a late request is answered from the stored projection).
    expect(new Set(answers.map((a) => stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'false')).toHaveLength(1);
    expect(answers[0].body.state).toBe('completed');
    const effects = await journalOf(stack.sandboxUrl, `demo:S1:T1:${posReference}`);
    expect(effects.map((e) => e.effect)).toEqual(['purchase.create']);
    const runs = await stack.temporal.workflow.list({ query: `WorkflowId = 'checkout:demo:S1:T1:${posReference}'` });
    const ids: string[] = [];
    for await (const run of runs) ids.push(run.runId);
    expect(ids).toHaveLength(1);
  }, 120_000);
});
