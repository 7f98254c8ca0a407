import type { DataSource } from 'typeorm';
import { EffectIntentsRepository, type EffectIntentKey } from '../../core/effects/effect-intents.repository';

const key: EffectIntentKey = { checkoutId: 'checkout:demo:S1:T1:R1', step: 'purchase', vendor: 'crmcom', operation: 'purchases.create', reference: 'demo:S1:T1:R1' };

/** A DataSource that keeps effect_intents rows in a set, as INSERT … ON CONFLICT DO NOTHING RETURNING would. */
function inMemoryIntents(failures: unknown[] = []) {
  const rows = new Set<string>();
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  const query = (sql: string, params: unknown[]) => {
    statements.push({ sql, params });
    const failure = failures.shift();
    if (failure) return Promise.reject(failure);
    const id = JSON.stringify(params);
    if (/^\s*DELETE/.test(sql)) return Promise.resolve(void rows.delete(id));
    if (rows.has(id)) return Promise.resolve([]);
    rows.add(id);
    return Promise.resolve([{ '?column?': 1 }]);
  };
  return { dataSource: { query } as unknown as DataSource, statements };
}

describe(EffectIntentsRepository.name, () => {
  it('answers "first" for a new effect and "seen" for the same effect however often it is tried again', async () => {
    const db = inMemoryIntents();
    const intents = new EffectIntentsRepository(db.dataSource);

    expect(await intents.record(key)).toBe('first');
    expect(await intents.record(key)).toBe('seen');
    expect(await intents.record({ ...key })).toBe('seen');
    expect(db.statements[0].sql).toMatch(/INSERT INTO effect_intents[\s\S]*ON CONFLICT DO NOTHING RETURNING/);
    expect(db.statements[0].params).toEqual([key.checkoutId, key.step, key.vendor, key.operation, key.reference]);
  });

  it('forgets an intent whose send is known not applied: the next try is a first again', async () => {
    const db = inMemoryIntents();
    const intents = new EffectIntentsRepository(db.dataSource);
    await intents.record(key);

    await intents.forget(key);

    expect(db.statements[1].sql).toMatch(/DELETE FROM effect_intents WHERE checkout_id = \$1 AND step = \$2 AND vendor = \$3 AND operation = \$4 AND reference = \$5/);
    expect(db.statements[1].params).toEqual([key.checkoutId, key.step, key.vendor, key.operation, key.reference]);
    expect(await intents.record(key)).toBe('first');
    expect(await intents.record(key)).toBe('seen');
  });

  it('keys by checkout, step, vendor, operation and reference: any other effect is a first', async () => {
    const intents = new EffectIntentsRepository(inMemoryIntents().dataSource);
    await intents.record(key);

    for (const other of [
      { checkoutId: 'checkout:demo:S1:T1:R2' }, { step: 'void: purchase cancel' }, { vendor: 'capillary' },
      { operation: 'spend_requests.create' }, { reference: 'demo:S1:T1:R1:spend' },
    ]) {
      expect(await intents.record({ ...key, ...other })).toBe('first');
    }
  });

  it('waits out a database outage (nothing is sent before the intent is written), and never retries another error', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const db = inMemoryIntents([refused]);
    expect(await new EffectIntentsRepository(db.dataSource).record(key)).toBe('first');
    expect(db.statements).toHaveLength(2);

    const constraint = inMemoryIntents([Object.assign(new Error('violates not-null constraint'), { code: '23502' })]);
    await expect(new EffectIntentsRepository(constraint.dataSource).record(key)).rejects.toThrow('not-null');
    expect(constraint.statements).toHaveLength(1);
  });
});
