import { randomUUID } from 'node:crypto';
import { openProjectionCodes } from '../../core/checkouts/projection-codes';
import { encryptionCodecFor } from '../../core/temporal/encryption-codec';
import { builtCli } from '../support/built-cli';
import { referenceCheckoutBody } from '../support/checkout-requests';
import { testStackForFile, uniquePosReference } from '../support/test-stack';

const cli = builtCli('seal-coupon-codes', 'dist/src/checkouts/seal-coupon-codes-cli.js');

/**
 * `npm run seal-coupon-codes`, the built program against the migrated test database: rows written
 * before coupon codes were sealed at rest (simulated by opening a real sale's row back to clear, as
 * that code wrote it) are sealed; GET still answers the code; sealed rows are left as they are.
 */
describe('npm run seal-coupon-codes', () => {
  // A merchant of its own: the test database is shared, and the command is run for this merchant only.
  const merchant = `seal${randomUUID().slice(0, 8)}`;
  const stack = testStackForFile({ MERCHANT_ID: merchant });
  beforeAll(() => cli.build(), 240_000);

  const rowText = async (table: 'checkouts' | 'callback_outbox', checkoutId: string) =>
    ((await stack.dataSource.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS row FROM ${table} t WHERE t.${table === 'checkouts' ? 'id' : 'checkout_id'} = $1`, [checkoutId])) as Array<{ row: string }>)[0].row;

  async function saleWithCoupon() {
    const posReference = uniquePosReference('SEAL');
    const body = await referenceCheckoutBody(stack.sandboxUrl, posReference, { complete: true });
    const res = await stack.api().post('/v1/checkouts').send(body).expect(201);
    const code = (body.coupons as Array<{ code: string }>)[0].code;
    expect(res.body.receipt.coupons).toEqual([expect.objectContaining({ code })]);
    return { checkoutId: res.body.checkoutId as string, code };
  }

  it('seals the codes of rows written in clear, in the projection and a queued callback; GET still answers the code; a second run finds nothing', async () => {
    const legacy = await saleWithCoupon();
    const current = await saleWithCoupon();
    const codec = encryptionCodecFor(stack.config);
    // The row as the code before sealed codes wrote it: view, receipt and failure reason in clear, and its callback's copy.
    const [row] = (await stack.dataSource.query(`SELECT view, receipt, state, transition_seq FROM checkouts WHERE id = $1`, [legacy.checkoutId])) as Array<{
      view: object;
      receipt: object;
      state: string;
      transition_seq: number;
    }>;
    const clearView = openProjectionCodes(row.view, codec);
    await stack.dataSource.query(`UPDATE checkouts SET view = $2, receipt = $3 WHERE id = $1`, [legacy.checkoutId, JSON.stringify(clearView), JSON.stringify(openProjectionCodes(row.receipt, codec))]);
    await stack.dataSource.query(
      `INSERT INTO callback_outbox (checkout_id, merchant, store, till, state, transition_seq, currency, view, status, delivered_at)
       VALUES ($1, $2, 'S1', 'T1', $3, $4, 'EUR', $5, 'delivered', now())`,
      [legacy.checkoutId, merchant, row.state, row.transition_seq, JSON.stringify(clearView)],
    );
    expect(await rowText('checkouts', legacy.checkoutId)).toContain(legacy.code);
    expect(await rowText('callback_outbox', legacy.checkoutId)).toContain(legacy.code);
    const currentBefore = await rowText('checkouts', current.checkoutId);
    expect(currentBefore).not.toContain(current.code);

    const first = await cli.run('--merchant', merchant);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const sealedCounts = first.stdout.match(/^(checkouts|callback_outbox): \d+ rows read, (\d+) had coupon codes in clear/gm);
    expect(sealedCounts?.map((line) => line.replace(/ \d+ rows read,/, ''))).toEqual([
      'checkouts: 1 had coupon codes in clear',
      'callback_outbox: 1 had coupon codes in clear',
    ]);
    expect(await rowText('checkouts', legacy.checkoutId)).not.toContain(legacy.code);
    expect(await rowText('callback_outbox', legacy.checkoutId)).not.toContain(legacy.code);
    expect(await rowText('checkouts', current.checkoutId)).toBe(currentBefore); // sealed already: not rewritten
    const read = await stack.api().get(`/v1/checkouts/${legacy.checkoutId}`).expect(200);
    expect(read.body.receipt.coupons).toEqual([expect.objectContaining({ code: legacy.code })]);

    const again = await cli.run('--merchant', merchant);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^checkouts: \d+ rows read, 0 had coupon codes in clear/m);
    expect(again.stdout).toMatch(/^callback_outbox: \d+ rows read, 0 had coupon codes in clear/m);
  }, 120_000);

  it('answers a usage error (2) to an argument it does not take, before it opens the database', async () => {
    const wrong = await cli.run('--dry-run');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('usage: npm run seal-coupon-codes');
  }, 60_000);
});
