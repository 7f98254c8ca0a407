import request from 'supertest';
import type { TestStack } from './test-stack';

/** An OTP spend token the CRM.COM app would give contact 22265577 (`ttlSeconds` 0: already expired). */
export async function mintOtp(stack: TestStack, ttlSeconds?: number): Promise<string> {
  const res = await request(stack.sandboxUrl).post('/_sandbox/crmcom/otps').send({ cim: '22265577', ...(ttlSeconds !== undefined && { ttlSeconds }) }).expect(201);
  return res.body.otp as string;
}

/** Every column of every row the checkout left in our tables, as text: where a secret must not be. */
export async function storedRowsOf(stack: TestStack, checkoutId: string): Promise<string> {
  const dumps = await Promise.all(
    [['audit_events', 'checkout_id'], ['checkouts', 'id'], ['saga_step_results', 'checkout_id'], ['effect_intents', 'checkout_id']].map(async ([table, key]) => {
      const rows = (await stack.dataSource.query(`SELECT t::text AS row FROM ${table} t WHERE t.${key} = $1`, [checkoutId])) as Array<{ row: string }>;
      return rows.map((r) => r.row).join('\n');
    }),
  );
  return dumps.join('\n');
}
