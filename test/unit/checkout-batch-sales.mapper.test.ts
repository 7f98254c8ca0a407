import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { ProblemException } from '../../src/common/problem';
import type { BatchSaleRow } from '../../core/checkout-batches/checkout-batches.repository';
import { batchSaleResult, countOutcomes } from '../../src/checkout-batches/checkout-batch-results';
import { toBatchSales } from '../../src/checkout-batches/checkout-batch-sales.mapper';
import { CreateCheckoutBatchDto } from '../../src/checkout-batches/dto/create-checkout-batch.dto';
import { checkoutRequestHash } from '../../src/checkouts/checkout-request-hash';
import { CreateCheckoutDto } from '../../src/checkouts/dto/create-checkout.dto';
import { loadConfig } from '../../core/config/app-config';
import type { StoreRow } from '../../core/stores/stores.repository';

const config = loadConfig({ APP_ENV: 'test', CHECKOUT_HOLD_TIMEOUT_MS: '60000' });
/** The merchant's stores as the API looked them up: S1 only. */
const stores = new Map<string, StoreRow>([
  ['S1', { merchant: 'demo', store: 'S1', timeZone: 'Asia/Nicosia', crmcomUnit: 'Unit', crmcomOutlet: null, cmcLocation: 'S1', cmcTerminals: {}, updatedAt: '2026-12-05T00:00:00.000Z' }],
]);

function sale(posReference: string, overrides: Record<string, unknown> = {}) {
  return {
    store: 'S1',
    till: 'T1',
    posReference,
    performedOn: '2026-11-21T10:00:00Z',
    currency: 'EUR',
    lines: [{ sku: 'Soft Drinks', quantity: 1, totalAmount: '10.00', netAmount: '8.00', vatAmount: '2.00' }],
    ...overrides,
  };
}

const dto = (body: unknown) => plainToInstance(CreateCheckoutBatchDto, body);
const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as ProblemException).problem.errors;
  }
  throw new Error('expected a refusal');
};

describe(toBatchSales.name, () => {
  it('maps each sale as a one-shot checkout, billed at Capillary with the customer Capillary can look up', () => {
    const batch = toBatchSales(
      dto({
        sales: [
          sale('A'),
          sale('B', { customer: { provider: 'crmcom', identifier: { type: 'phone', value: '919999999999' } } }),
          sale('C', { customer: { provider: 'crmcom', identifier: { type: 'code', value: '22265577' } } }),
        ],
      }),
      'demo',
      config,
      stores,
    );
    expect(batch.sales.map((s) => [s.position, s.input.checkoutId, s.input.totalMinor, s.input.capillaryBill])).toEqual([
      [0, 'checkout:demo:S1:T1:A', 1000, {}],
      [1, 'checkout:demo:S1:T1:B', 1000, { customer: { type: 'phone', value: '919999999999' } }],
      [2, 'checkout:demo:S1:T1:C', 1000, {}],
    ]);
    // The same hash as POST /v1/checkouts of the same sale with "complete": true.
    expect(batch.sales[0].requestHash).toBe(checkoutRequestHash(plainToInstance(CreateCheckoutDto, { ...sale('A'), complete: true })));
  });

  it('derives the same batch id from the same sales, another from other sales, and takes a batchReference as is', () => {
    const one = toBatchSales(dto({ sales: [sale('A'), sale('B')] }), 'demo', config, stores);
    expect(one.batchId).toMatch(/^b-[0-9a-f]{32}$/);
    expect(toBatchSales(dto({ sales: [sale('A'), sale('B')] }), 'demo', config, stores).batchId).toBe(one.batchId);
    expect(toBatchSales(dto({ sales: [sale('A'), sale('B', { performedOn: '2026-11-22T10:00:00Z' })] }), 'demo', config, stores).batchId).not.toBe(one.batchId);
    const named = toBatchSales(dto({ batchReference: 'S1-2026-11-21', sales: [sale('A'), sale('B')] }), 'demo', config, stores);
    expect(named.batchId).toBe('S1-2026-11-21');
    expect(named.contentHash).toBe(one.contentHash);
  });

  it('refuses the whole batch naming each field under its sale: precision, repeated keys, complete: false, spend without customer, unknown store', () => {
    expect(
      fieldsOf(() =>
        toBatchSales(
          dto({
            sales: [
              sale('A'),
              sale('B', { lines: [{ sku: 'x', quantity: 1, totalAmount: '1.001', netAmount: '1.00', vatAmount: '0.00' }] }),
              sale('A'),
              sale('D', { complete: false }),
              sale('E', { spend: { amount: '1.00' } }),
              sale('F', { store: 'S9' }),
            ],
          }),
          'demo',
          config,
          stores,
        ),
      ),
    ).toEqual([
      { field: 'sales[1].lines[0].totalAmount', message: expect.any(String) },
      { field: 'sales[2].posReference', message: 'repeats the store, till and posReference of sales[0]' },
      { field: 'sales[3].complete', message: 'must be true or absent: a batch carries completed sales' },
      { field: 'sales[4].spend', message: 'needs a customer to spend from' },
      { field: 'sales[5].store', message: expect.stringContaining('is not a store of merchant demo') },
    ]);
  });
});

describe(CreateCheckoutBatchDto.name, () => {
  const errorsOf = async (body: unknown) => validate(dto(body), { stopAtFirstError: true, whitelist: true, forbidNonWhitelisted: true });

  it('accepts 500 sales and refuses 501 naming `sales` only', async () => {
    const sales = Array.from({ length: 500 }, (_, i) => sale(`R${i}`));
    expect(await errorsOf({ sales })).toEqual([]);
    const tooMany = await errorsOf({ sales: [...sales, sale('one-more')] });
    expect(tooMany.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['sales', ['arrayMaxSize']]]);
  });

  it('refuses an empty batch, a bad batchReference and validates each sale like a checkout', async () => {
    expect((await errorsOf({ sales: [] })).map((e) => e.property)).toEqual(['sales']);
    expect((await errorsOf({ batchReference: 'a:b', sales: [sale('A')] })).map((e) => e.property)).toEqual(['batchReference']);
    const [nested] = await errorsOf({ sales: [sale('A'), sale('B', { lines: [{ sku: 'x', quantity: 1, totalAmount: 'ten', netAmount: '1', vatAmount: '0' }] })] });
    expect(nested.children?.[0]).toMatchObject({ property: '1', children: [{ property: 'lines', children: [{ property: '0', children: [{ property: 'totalAmount' }] }] }] });
  });
});

describe(batchSaleResult.name, () => {
  const row = (over: Partial<BatchSaleRow>): BatchSaleRow => ({
    position: 0, checkoutId: 'checkout:demo:S1:T1:A', posReference: 'A', currency: 'EUR', driveOutcome: null, driveReason: null,
    state: null, rejection: null, failureReason: null, receipt: null, ...over,
  });

  it('classifies pending, rejected (vendor or key conflict), failed and completed with a receipt summary', () => {
    const receipt = { currency: 'EUR', totalMinor: 1000, amountDueMinor: 900, paidMinor: 900, awardedMinor: 10, spentMinor: 100, pointsRedeemed: 0, pointsValueMinor: 0, coupons: [], references: { crmcomPurchaseNumber: '111' }, exceptions: [] };
    const results = [
      batchSaleResult(row({})),
      batchSaleResult(row({ state: 'reserved' })),
      batchSaleResult(row({ driveOutcome: 'conflict', driveReason: 'already identify another checkout' })),
      batchSaleResult(row({ state: 'compensated', rejection: { step: 'identify', vendor: 'crmcom', code: 'NotFound', reason: 'Rewards participant not found' } })),
      batchSaleResult(row({ state: 'compensation_failed', failureReason: 'purchase void kept failing' })),
      batchSaleResult(row({ state: 'completed', receipt })),
    ];
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ['pending', undefined],
      ['pending', undefined],
      ['rejected', 'already identify another checkout'],
      ['rejected', 'Rewards participant not found'],
      ['failed', 'purchase void kept failing'],
      ['completed', undefined],
    ]);
    expect(results[5].receipt).toEqual({ totalMinor: 1000, amountDueMinor: 900, awardedMinor: 10, spentMinor: 100, pointsRedeemed: 0, exceptions: [], references: { crmcomPurchaseNumber: '111' } });
    expect(countOutcomes(results)).toEqual({ total: 6, completed: 1, rejected: 2, failed: 1, pending: 2 });
  });
});

