import { MockActivityEnvironment } from '@temporalio/testing';
import type { AuditScope, AuditWriter } from '../../core/audit/audit-writer';
import type { EffectIntentsRepository } from '../../core/effects/effect-intents.repository';
import { createLoyaltyActivities } from '../../activities/checkout-loyalty.activities';
import { createPointsActivities } from '../../activities/checkout-points.activities';
import type { LoyaltyCapability, PointsCapability } from '../../activities/vendors/capabilities';
import type { VendorCallContext } from '../../activities/vendors/vendor-call';
import type { CheckoutRef } from '../../workflows/checkout.contract';

/**
 * The audit scope a checkout step's vendor call carries: the steps that look a customer up name
 * that customer by keyed hash, the others name none; all of them show the vendor our checkout reference.
 */
const ref: CheckoutRef = { merchant: 'm1', store: 'S1', till: 'T1', posReference: 'P-1', checkoutId: 'c-1', currency: 'EUR' };
const phone = { type: 'phone' as const, value: '+35799123456' };

function fakeAudit() {
  const scopes: AuditScope[] = [];
  const audit = {
    customers: { refOf: (identifier: { type: string; value: string }) => `hmac:${identifier.type}` },
    recorderFor: (scope: AuditScope) => {
      scopes.push(scope);
      return { record: () => Promise.resolve() };
    },
  };
  const intents = { record: () => Promise.resolve('first') } as unknown as EffectIntentsRepository;
  return { audit: audit as unknown as AuditWriter, intents, scopes };
}

/** Every capability method answers with the context it was handed. */
function echoing<T>(): T {
  return new Proxy({}, { get: () => (ctx: VendorCallContext) => Promise.resolve(ctx) }) as T;
}

const env = new MockActivityEnvironment({ attempt: 2, activityId: 'a-1' });

describe('checkout step contexts', () => {
  it('name the customer on the steps that identify one, and on no other', async () => {
    const { audit, intents, scopes } = fakeAudit();
    const loyalty = createLoyaltyActivities({ loyalty: echoing<LoyaltyCapability>(), audit, intents });
    const points = createPointsActivities({ points: echoing<PointsCapability>(), audit, intents });
    const customer = { accountNumber: 'A1', walletBalanceMinor: 0 };
    const purchase = { performedOn: '2026-01-01T00:00:00Z', externalSystem: 'POS', lines: [] };

    const contexts = [
      await env.run(() => loyalty.identifyCustomer(ref, phone)),
      await env.run(() => loyalty.previewLoyalty(ref, customer, purchase)),
      await env.run(() => points.findPointsCustomer(ref, phone)),
      await env.run(() => points.checkPoints(ref, { identifier: phone }, 100)),
    ] as unknown as VendorCallContext[];

    expect(contexts.map((c) => [c.reference, c.attempt, c.till, c.currency])).toEqual(Array(4).fill(['m1:S1:T1:P-1', 2, 'T1', 'EUR']));
    expect(scopes.map((s) => [s.step, s.customerRef])).toEqual([
      ['identify', 'hmac:phone'],
      ['preview', undefined],
      ['points customer', 'hmac:phone'],
      ['points check', undefined],
    ]);
    expect(scopes[0]).toMatchObject({ checkoutId: 'c-1', activityId: 'a-1', attempt: 2, merchant: 'm1', store: 'S1', till: 'T1', currency: 'EUR' });
  });
});
