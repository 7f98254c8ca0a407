import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** A merchant's signing secret: its id (sent as Checkout-Saga-Key-Id) and the HMAC key itself. */
export interface CallbackSecret {
  id: string;
  value: string;
}

/** A secret as stored: sealed under a key derived from the codec key `sealedBy` names. */
export interface SealedCallbackSecret {
  id: string;
  sealed: string;
  sealedBy: string;
}

/** A new secret: 32 random bytes, `whsec_`-prefixed so it is recognisable when pasted in the wrong place. */
export function newCallbackSecret(): CallbackSecret {
  return { id: `cbk_${randomBytes(6).toString('hex')}`, value: `whsec_${randomBytes(32).toString('base64url')}` };
}

/**
 * Seals and opens merchants' callback secrets with AES-256-GCM under a key derived (HKDF) from
 * TEMPORAL_CODEC_KEY: a database dump alone cannot forge callbacks, and the worker-shared key
 * material is not used as it is for a second purpose. The merchant and secret id are the associated
 * data, so a sealed secret copied onto another merchant's row does not open. Secrets sealed under a
 * retired codec key (TEMPORAL_CODEC_OLD_KEYS) still open; a rotation seals the new one under the current key.
 */
export class CallbackSecretBox {
  constructor(
    private readonly current: { id: string; key: Buffer },
    private readonly retired: Record<string, Buffer> = {},
  ) {}

  seal(merchant: string, secret: CallbackSecret): SealedCallbackSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', boxKey(this.current.key), iv).setAAD(aad(merchant, secret.id));
    const sealed = Buffer.concat([cipher.update(secret.value, 'utf8'), cipher.final()]);
    return { id: secret.id, sealed: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64'), sealedBy: this.current.id };
  }

  open(merchant: string, stored: SealedCallbackSecret): CallbackSecret {
    const codecKey = stored.sealedBy === this.current.id ? this.current.key : this.retired[stored.sealedBy];
    if (!codecKey) throw new Error(`the callback secret ${stored.id} of ${merchant} is sealed under codec key "${stored.sealedBy}", which is not configured`);
    const raw = Buffer.from(stored.sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', boxKey(codecKey), raw.subarray(0, 12)).setAAD(aad(merchant, stored.id));
    decipher.setAuthTag(raw.subarray(12, 28));
    return { id: stored.id, value: Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8') };
  }
}

function boxKey(codecKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', codecKey, Buffer.alloc(0), 'checkout-saga callback secrets', 32));
}

function aad(merchant: string, secretId: string): Buffer {
  return Buffer.from(`${merchant}\u0000${secretId}`, 'utf8');
}
