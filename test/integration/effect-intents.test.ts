import { CustomerRefHasher } from '../../core/audit/customer-ref';
import { effectReferenceKeyer, EffectIntentsRepository, type EffectIntentKey } from '../../core/effects/effect-intents.repository';
import { auditDatabaseForFile } from '../support/audit-database';
import { uniquePosReference } from '../support/test-stack';

/** effect_intents on the migrated test database: Postgres's ON CONFLICT tells a first intent from a repeated one. */
describe(`${EffectIntentsRepository.name} on Postgres`, () => {
  const db = auditDatabaseForFile();

  it('answers "first" once per effect, "seen" for every later try of it, also when tries race', async () => {
    const intents = new EffectIntentsRepository(db.dataSource);
    const posReference = uniquePosReference('EI');
    const key: EffectIntentKey = {
      checkoutId: `checkout:demo:S1:T1:${posReference}`, step: 'purchase', vendor: 'crmcom', operation: 'purchases.create', reference: `demo:S1:T1:${posReference}`,
    };

    expect(await intents.record(key)).toBe('first');
    expect(await intents.record(key)).toBe('seen');
    expect(await intents.record({ ...key, operation: 'spend_requests.create' })).toBe('first');

    const raced = await Promise.all([1, 2, 3].map(() => intents.record({ ...key, step: 'coupon redeem' })));
    expect(raced.filter((answer) => answer === 'first')).toHaveLength(1);
  });

  it("the worker's intents store a keyed reference (a coupon step's ends in the code), and still see one an earlier version wrote in clear", async () => {
    const keyer = effectReferenceKeyer(new CustomerRefHasher('k'.repeat(32)));
    const keyed = new EffectIntentsRepository(db.dataSource, undefined, keyer);
    const plain = new EffectIntentsRepository(db.dataSource);
    const posReference = uniquePosReference('EI');
    const code = `MU${posReference.slice(-6)}`;
    const key: EffectIntentKey = {
      checkoutId: `checkout:demo:S1:T1:${posReference}`, step: 'coupon redeem', vendor: 'capillary', operation: 'coupon.redeem', reference: `demo:S1:T1:${posReference}:${code}`,
    };
    const stored = async () =>
      ((await db.dataSource.query(`SELECT reference FROM effect_intents WHERE checkout_id = $1`, [key.checkoutId])) as Array<{ reference: string }>).map((r) => r.reference);

    expect(await keyed.record(key)).toBe('first');
    expect(await keyed.record(key)).toBe('seen');
    expect(await stored()).toEqual([keyer(key.reference)]);
    expect((await stored()).join()).not.toContain(code);
    await keyed.forget(key);
    expect(await stored()).toEqual([]);

    // An intent written before the upgrade (reference in clear) is still an earlier try: seen, and forgotten too.
    expect(await plain.record(key)).toBe('first');
    expect(await keyed.record(key)).toBe('seen');
    await keyed.forget(key);
    expect(await stored()).toEqual([]);
    expect(await keyed.record(key)).toBe('first');
  });
});
