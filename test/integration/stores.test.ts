import request from 'supertest';
import { checkoutReference } from '../../workflows/checkout.contract';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

/** A journal entry with what the vendor was told about where and when (src/sandbox/sandbox-journal.ts). */
interface DetailedEntry {
  vendor: string;
  effect: string;
  reference: string;
  details?: Record<string, unknown>;
}

/** The seeded demo stores (migration 1764892800000), as the admin API shows them. */
const SEEDED = {
  S2: { store: 'S2', timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', crmcomOutlet: null, cmcLocation: 'S2', cmcTerminals: {} },
  S3: { store: 'S3', timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', crmcomOutlet: null, cmcLocation: 'S3', cmcTerminals: {} },
};

/**
 * Stores as data, through the API: an unknown store is refused before anything starts; the admin API
 * manages stores; every vendor time a document wants local is the store's wall clock, and each store
 * is its own unit, location and terminal at the vendors (read back from the sandbox journal).
 */
describe('stores: time zone and vendor identity per store', () => {
  const stack = testStackForFile({}, { resetSandbox: true });
  const admin = () => stack.api(stack.keys.admin);
  const putSeeded = (store: keyof typeof SEEDED) => {
    const { timeZone, crmcomUnit, cmcLocation, cmcTerminals } = SEEDED[store];
    return admin().put(`/v1/admin/stores/${store}`).send({ timeZone, crmcomUnit, cmcLocation, cmcTerminals });
  };

  async function journal(reference: string): Promise<DetailedEntry[]> {
    return (await request(stack.sandboxUrl).get('/_sandbox/journal').query({ reference }).expect(200)).body.entries as DetailedEntry[];
  }
  const entry = (entries: DetailedEntry[], vendor: string, effect: string) => {
    const found = entries.filter((e) => e.vendor === vendor && e.effect === effect);
    expect(found).toHaveLength(1);
    return found[0].details;
  };
  const workflowExists = (checkoutId: string) =>
    stack.temporal.workflow.getHandle(checkoutId).describe().then(
      () => true,
      () => false,
    );

  // The seed back after each test, whatever a failed one left (other test files sell at S2 and S3).
  afterEach(async () => {
    await putSeeded('S2');
    await putSeeded('S3');
  });

  it('refuses a checkout at a store the merchant has not with 400 naming store: no saga, no vendor call', async () => {
    const posReference = uniquePosReference('UNK');
    const res = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(posReference, { store: 'S9', postTender: { provider: 'cmc' } })).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'store', message: expect.stringContaining('is not a store of merchant demo') }]);
    expect(await workflowExists(`checkout:demo:S9:T1:${posReference}`)).toBe(false);
    expect(await journal(`demo:S9:`)).toEqual([]);
    // This merchant's S9 (other files' merchants, the fuzz suite's say, may have one).
    const [{ rows }] = (await stack.dataSource.query(`SELECT count(*)::int AS rows FROM audit_events WHERE merchant = $1 AND store = 'S9'`, [stack.config.MERCHANT_ID])) as Array<{ rows: number }>;
    expect(rows).toBe(0);

    // Each sale of a batch upload alike: the whole batch is refused, naming the sale's store.
    const batch = await stack
      .api()
      .post('/v1/checkouts/batch')
      .send({ sales: [oneShotCheckoutBody(uniquePosReference('UNKB')), oneShotCheckoutBody(uniquePosReference('UNKB'), { store: 'S9' })] })
      .expect(400);
    expect(batch.body.errors).toEqual([{ field: 'sales[1].store', message: expect.stringContaining('is not a store') }]);
  });

  it('sends S1 sales in Nicosia local time with S1 unit, location and terminal (the day already the next there)', async () => {
    const posReference = uniquePosReference('NIC');
    // 23:30 UTC on 21 November is 01:30 on the 22nd in Nicosia (+02:00 in winter).
    const body = oneShotCheckoutBody(posReference, {
      performedOn: '2026-11-21T23:30:00Z',
      points: { provider: 'capillary', points: 100, identifier: { type: 'phone', value: '919999999999' } },
      postTender: { provider: 'cmc' },
    });
    const sold = await stack.api().post('/v1/checkouts').send(body).expect(201);
    expect(sold.body.state).toBe('completed');

    const entries = await journal(checkoutReference({ merchant: 'demo', store: 'S1', till: 'T1', posReference }));
    expect(entry(entries, 'crmcom', 'purchase.create')).toEqual({ performed_on: '2026-11-22T01:30:00', unit: 'Unit' });
    expect(entry(entries, 'capillary', 'transaction.add')).toEqual({ billing_time: '2026-11-22 01:30:00' });
    expect(entry(entries, 'cmc', 'posttender.transaction')).toEqual({ transactionDate: '2026-11-22T01:30:00+02:00', terminalId: 'T1', posLocationId: 'S1' });
    // The points are redeemed now, after the bill: now's wall clock in Nicosia.
    const redeemedAt = String(entry(entries, 'capillary', 'points.redeem')?.redemption_time);
    expect(redeemedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${redeemedAt.replace(' ', 'T')}+02:00`) - Date.now())).toBeLessThan(120_000);
  });

  it('uses another store its own zone, unit, CMC location and terminal; a void later uses the values the sale was made with', async () => {
    const changed = await admin()
      .put('/v1/admin/stores/S3')
      .send({ timeZone: 'America/New_York', crmcomUnit: 'Unit S3', cmcLocation: 'L-S3', cmcTerminals: { T1: 'CFS-31' } })
      .expect(200);
    expect(changed.body).toMatchObject({ store: 'S3', timeZone: 'America/New_York', crmcomUnit: 'Unit S3', cmcLocation: 'L-S3', cmcTerminals: { T1: 'CFS-31' } });

    const posReference = uniquePosReference('NYC');
    // 02:00 UTC on 1 July is 22:00 on 30 June in New York (-04:00 in summer).
    const body = oneShotCheckoutBody(posReference, {
      store: 'S3',
      performedOn: '2026-07-01T02:00:00Z',
      points: { provider: 'capillary', points: 100, identifier: { type: 'phone', value: '919999999999' } },
      postTender: { provider: 'cmc' },
    });
    const sold = await stack.api().post('/v1/checkouts').send(body).expect(201);
    expect(sold.body.state).toBe('completed');
    const reference = checkoutReference({ merchant: 'demo', store: 'S3', till: 'T1', posReference });
    const entries = await journal(reference);
    expect(entry(entries, 'crmcom', 'purchase.create')).toEqual({ performed_on: '2026-06-30T22:00:00', unit: 'Unit S3' });
    expect(entry(entries, 'capillary', 'transaction.add')).toEqual({ billing_time: '2026-06-30 22:00:00' });
    expect(entry(entries, 'cmc', 'posttender.transaction')).toEqual({ transactionDate: '2026-06-30T22:00:00-04:00', terminalId: 'CFS-31', posLocationId: 'L-S3' });

    // The store changes back; the void of the sale still speaks for the store as it was.
    await putSeeded('S3').expect(200);
    await stack.api().post(`/v1/checkouts/${sold.body.checkoutId}/void`).send().expect(200);
    const after = await journal(reference);
    expect(entry(after, 'cmc', 'posttender.refund')).toMatchObject({ terminalId: 'CFS-31', posLocationId: 'L-S3', transactionDate: expect.stringMatching(/-0[45]:00$/) });
    expect(entry(after, 'capillary', 'transaction.return')).toMatchObject({ purchase_time: '2026-06-30' });
    expect(entry(after, 'crmcom', 'purchase.cancel')).toBeUndefined();
  });

  it('manages stores through /v1/admin/stores: bad input named, create, replace, remove (a removed store sells nothing), audited', async () => {
    const list = await admin().get('/v1/admin/stores').expect(200);
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ store: 'S1', timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', cmcLocation: 'S1' })]));
    expect(await admin().get('/v1/admin/stores/S2').expect(200)).toMatchObject({ body: SEEDED.S2 });

    const bad = async (body: object, field: string) => {
      const res = await admin().put('/v1/admin/stores/S2').send(body).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    };
    await bad({ timeZone: 'Mars/Olympus_Mons' }, 'timeZone');
    await bad({ timeZone: '+02:00' }, 'timeZone');
    await bad({}, 'timeZone');
    await bad({ timeZone: 'UTC', cmcTerminals: { 'T:1': 'X' } }, 'cmcTerminals');
    await bad({ timeZone: 'UTC', crmcomUnit: ' Unit' }, 'crmcomUnit');
    expect((await admin().put('/v1/admin/stores/S:2').send({ timeZone: 'UTC' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'store' })]);
    // Only admin keys.
    await stack.api().get('/v1/admin/stores').expect(403);
    await stack.api(stack.keys.ops).put('/v1/admin/stores/S2').send({ timeZone: 'UTC' }).expect(403);
    expect(await admin().get('/v1/admin/stores/S2').expect(200)).toMatchObject({ body: SEEDED.S2 });

    // A store of its own (the suite's other files sell at S1–S3, and a store that has sold cannot be removed).
    const store = `X${Date.now().toString(36)}`;
    const path = `/v1/admin/stores/${store}`;
    await admin().put(path).send({ timeZone: 'Europe/Athens', cmcLocation: store }).expect(201);
    await admin().delete(path).expect(204);
    await admin().get(path).expect(404);
    await admin().delete(path).expect(404);
    const refused = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('GONE'), { store })).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'store' })]);

    await admin().put(path).send({ timeZone: 'Europe/Athens', cmcLocation: store }).expect(201);
    await admin().put(path).send({ timeZone: 'Europe/Athens', cmcLocation: store, crmcomUnit: 'Unit' }).expect(200);
    await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('BACK'), { store })).expect(201);
    // Sold: the row stays for the sale's void, returns, replays and seals.
    const kept = await admin().delete(path).expect(409);
    expect(kept.body.errors).toEqual([expect.objectContaining({ field: 'store' })]);
    // Sealed: the zone its seals' days are in is fixed (another zone would leave hours in no seal or in two).
    await stack.dataSource.query(
      `INSERT INTO audit_seals (merchant, store, day, checkout_heads, prev_seal_hash, seal_hash, time_zone) VALUES ('demo', $1, '2026-01-01', '[]', repeat('0', 64), repeat('1', 64), 'Europe/Athens')`,
      [store],
    );
    const fixed = await admin().put(path).send({ timeZone: 'America/New_York' }).expect(409);
    expect(fixed.body.errors).toEqual([expect.objectContaining({ field: 'timeZone' })]);
    await admin().put(path).send({ timeZone: 'Europe/Athens', cmcLocation: store, crmcomUnit: 'Unit' }).expect(200);
    // No control characters in a vendor id (Postgres refuses NUL: a 500 before this check).
    expect((await admin().put(path).send({ timeZone: 'Europe/Athens', crmcomUnit: 'A\u0000B' }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'crmcomUnit' })]);

    const audited = (await stack.dataSource.query(
      `SELECT operation, outcome, actor FROM audit_events WHERE checkout_id = $1 AND kind = 'ops_action' ORDER BY id DESC LIMIT 5`,
      [`store:demo:${store}`],
    )) as Array<{ operation: string; outcome: string; actor: string }>;
    expect(audited.map((a) => [a.operation, a.outcome])).toEqual([
      ['store_put', 'updated'],
      ['store_put', 'updated'],
      ['store_put', 'created'],
      ['store_delete', 'deleted'],
      ['store_put', 'created'],
    ]);
    expect(audited[0].actor).toMatch(/^key:/);
  });
});
