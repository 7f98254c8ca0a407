import { randomBytes } from 'node:crypto';
import { CallbackSecretBox, newCallbackSecret } from '../../core/callbacks/callback-secret-box';

describe(CallbackSecretBox.name, () => {
  const key = randomBytes(32);
  const box = new CallbackSecretBox({ id: 'k2', key });

  it('seals a secret so that the stored text does not contain it, and opens it again', () => {
    const secret = newCallbackSecret();
    const sealed = box.seal('demo', secret);
    expect(sealed).toMatchObject({ id: secret.id, sealedBy: 'k2' });
    expect(sealed.sealed).not.toContain(secret.value.slice(6));
    expect(box.open('demo', sealed)).toEqual(secret);
  });

  it("does not open another merchant's copy, a tampered one, or one under an unknown key", () => {
    const sealed = box.seal('demo', newCallbackSecret());
    expect(() => box.open('other', sealed)).toThrow();
    const raw = Buffer.from(sealed.sealed, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open('demo', { ...sealed, sealed: raw.toString('base64') })).toThrow();
    expect(() => new CallbackSecretBox({ id: 'k3', key: randomBytes(32) }).open('demo', sealed)).toThrow(/codec key "k2"/);
  });

  it('opens a secret sealed under a retired codec key', () => {
    const secret = newCallbackSecret();
    const sealed = box.seal('demo', secret);
    expect(new CallbackSecretBox({ id: 'k3', key: randomBytes(32) }, { k2: key }).open('demo', sealed)).toEqual(secret);
  });
});
