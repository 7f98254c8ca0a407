import { EffectIntentsRepository, type EffectIntentKey } from '../../core/effects/effect-intents.repository';
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
});
