import { createHmac, timingSafeEqual } from 'node:crypto';
import { CALLBACK_HEADERS, callbackSignature, signedCallbackHeaders } from '../../core/callbacks/callback-signature';

/** The receiver's recipe from README "Callbacks", written independently of the signer. */
function receiverAccepts(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe(callbackSignature.name, () => {
  const body = JSON.stringify({ eventId: 'e1', type: 'checkout.ended', state: 'completed' });

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> under the secret', () => {
    const header = callbackSignature('whsec_test', 1765000000, body);
    expect(header).toBe(`t=1765000000,v1=${createHmac('sha256', 'whsec_test').update(`1765000000.${body}`).digest('hex')}`);
    expect(receiverAccepts('whsec_test', header, body)).toBe(true);
  });

  it('does not verify under another secret, another body or another timestamp', () => {
    const header = callbackSignature('whsec_test', 1765000000, body);
    expect(receiverAccepts('whsec_other', header, body)).toBe(false);
    expect(receiverAccepts('whsec_test', header, body.replace('completed', 'cancelled'))).toBe(false);
    expect(receiverAccepts('whsec_test', header.replace('t=1765000000', 't=1765000001'), body)).toBe(false);
  });

  it('puts the event id, timestamp, signature and key id in the headers', () => {
    const headers = signedCallbackHeaders({ id: 'cbk_1', value: 'whsec_test' }, 'e1', 1765000000, body);
    expect(headers).toEqual({
      'content-type': 'application/json',
      [CALLBACK_HEADERS.eventId]: 'e1',
      [CALLBACK_HEADERS.timestamp]: '1765000000',
      [CALLBACK_HEADERS.signature]: callbackSignature('whsec_test', 1765000000, body),
      [CALLBACK_HEADERS.keyId]: 'cbk_1',
    });
  });
});
