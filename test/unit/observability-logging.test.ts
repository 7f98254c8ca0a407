import { Writable } from 'node:stream';
import { checkoutLogFields } from '../../src/logging/checkout-log-context';
import { TemporalPinoLogger } from '../../core/logging/temporal-pino-logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe(TemporalPinoLogger.name, () => {
  it('writes JSON with the checkout id next to Temporal\'s workflow id, for the saga and its void', () => {
    const out = capture();
    const logger = TemporalPinoLogger.create('info', out.stream);
    logger.warn('activity attempt failed', { workflowId: 'checkout:demo:S1:T1:R1', activityType: 'voidLoyaltyPurchase', attempt: 2 });
    logger.info('void done', { workflowId: 'void:checkout:demo:S1:T1:R1' });
    logger.info('nightly', { workflowId: 'product-sync:demo:1' });

    const [failed, voided, other] = out.lines();
    expect(failed).toMatchObject({ level: 40, msg: 'activity attempt failed', workflowId: 'checkout:demo:S1:T1:R1', checkoutId: 'checkout:demo:S1:T1:R1', attempt: 2 });
    expect(voided).toMatchObject({ workflowId: 'void:checkout:demo:S1:T1:R1', checkoutId: 'checkout:demo:S1:T1:R1' });
    expect(other.checkoutId).toBeUndefined();
  });

  it('redacts credentials and personal data wherever they sit in the metadata', () => {
    const out = capture();
    TemporalPinoLogger.create('info', out.stream).info('call', {
      workflowId: 'checkout:demo:S1:T1:R1',
      request: { authorization: 'Bearer secret-token', customer: { identifier: { type: 'phone', value: '919999999999' } } },
      customer: { identifier: { value: '22265577' }, email: 'a@b.example', phone: '35799000000' },
      email: 'c@d.example',
    });
    const text = JSON.stringify(out.lines()[0]);
    for (const secret of ['secret-token', '919999999999', '22265577', 'a@b.example', '35799000000', 'c@d.example']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});

describe(checkoutLogFields.name, () => {
  it('names the checkout of a phase call, an ops call, and a new checkout from its body', () => {
    expect(checkoutLogFields({ params: { id: 'checkout:demo:S1:T1:R1' }, originalUrl: '/v1/checkouts/checkout:demo:S1:T1:R1/commit' }, 'demo')).toEqual({
      checkoutId: 'checkout:demo:S1:T1:R1',
      workflowId: 'checkout:demo:S1:T1:R1',
    });
    expect(checkoutLogFields({ params: { id: 'checkout:demo:S1:T1:R1' }, originalUrl: '/v1/ops/sagas/checkout:demo:S1:T1:R1/retry' }, 'demo').checkoutId).toBe('checkout:demo:S1:T1:R1');
    expect(checkoutLogFields({ body: { store: 'S1', till: 'T1', posReference: 'R2' }, originalUrl: '/v1/checkouts' }, 'demo')).toEqual({
      checkoutId: 'checkout:demo:S1:T1:R2',
      workflowId: 'checkout:demo:S1:T1:R2',
    });
  });

  it('binds nothing for other routes or unvalidated, malformed values', () => {
    expect(checkoutLogFields({ params: { id: 'x' }, originalUrl: '/v1/products/sync/x' }, 'demo')).toEqual({});
    expect(checkoutLogFields({ body: { store: 'S1', till: 'T1', posReference: 'R 2\n' }, originalUrl: '/v1/checkouts' }, 'demo')).toEqual({});
  });
});
