import escapeRegExp from 'escape-string-regexp';
import request from 'supertest';
import { ENCRYPTED_ENCODING } from '../../core/temporal/encryption-codec';
import type { TestStack } from './test-stack';

/** An OTP spend token the CRM.COM app would give contact 22265577 (`ttlSeconds` 0: already expired). */
export async function mintOtp(stack: TestStack, ttlSeconds?: number): Promise<string> {
  const res = await request(stack.sandboxUrl).post('/_sandbox/crmcom/otps').send({ cim: '22265577', ...(ttlSeconds !== undefined && { ttlSeconds }) }).expect(201);
  return res.body.otp as string;
}

/**
 * Every column of every row the checkout left in our tables, as text: where a secret must not be.
 * A step result (saga_step_results, bytea) is shown as the payload it stores, its data as text unless
 * the codec encrypted it: as hex, or as base64 inside it, a secret stored in clear would never be found.
 */
export async function storedRowsOf(stack: TestStack, checkoutId: string): Promise<string> {
  const dumps = await Promise.all(
    [['audit_events', 'checkout_id'], ['checkouts', 'id'], ['effect_intents', 'checkout_id']].map(async ([table, key]) => {
      const rows = (await stack.dataSource.query(`SELECT t::text AS row FROM ${table} t WHERE t.${key} = $1`, [checkoutId])) as Array<{ row: string }>;
      return rows.map((r) => r.row).join('\n');
    }),
  );
  const steps = (await stack.dataSource.query(`SELECT step_key, result FROM saga_step_results WHERE checkout_id = $1`, [checkoutId])) as Array<{ step_key: string; result: Buffer }>;
  return [...dumps, ...steps.map((s) => `(${s.step_key},${storedPayloadAsText(s.result)})`)].join('\n');
}

function storedPayloadAsText(stored: Buffer): string {
  const { metadata, data } = JSON.parse(stored.toString('utf8')) as { metadata: Record<string, string>; data: string };
  const clearMetadata = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  const clearData = clearMetadata.encoding === ENCRYPTED_ENCODING ? '<encrypted>' : Buffer.from(data, 'base64').toString('utf8');
  // The data as it is, not escaped again: a secret in clear reads as it was stored ("2468", not \"2468\").
  return `${JSON.stringify(clearMetadata)} ${clearData}`;
}

/**
 * Whether `text` holds `secret` as a token of its own (not inside a longer run of letters and digits).
 * A 6-digit OTP also turns up by chance inside a hash, a hex dump or a millisecond timestamp (CI once
 * failed on that); stored in clear it stands alone: `"otp": "123456"`, "The OTP 123456 is not valid".
 */
export function holdsToken(text: string, secret: string): boolean {
  // Before it: not a letter, a digit or a '.' (a timestamp's microseconds, ".123456+00"), except after an
  // escape that ends in a letter or digit (\n in JSON, %20 in a URL), which a secret in clear may follow.
  const before = String.raw`(?:^|[^A-Za-z0-9.]|\\[nrt]|%[0-9A-Fa-f]{2})`;
  return new RegExp(`${before}${escapeRegExp(secret)}(?:$|[^A-Za-z0-9])`).test(text);
}
