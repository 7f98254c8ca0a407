import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, type SerializationContext } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const ENCRYPTION_KEY_ID_KEY = 'encryption-key-id';
/**
 * The workflow a payload belongs to, from the SDK's serialization context: in clear in the metadata (so
 * the codec endpoint can say which saga a decode was for) and bound to the ciphertext as GCM's
 * additional data (a payload moved to another workflow, or its id edited, does not decrypt).
 */
export const ENCRYPTION_WORKFLOW_ID_KEY = 'encryption-workflow-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts every Temporal payload (workflow and activity inputs and results, update arguments,
 * memo, failure details) with AES-256-GCM before it leaves the process, so customer identifiers
 * never reach the Temporal server in clear. Each payload names its key id, so keys can rotate:
 * decoding uses the key the payload names, encoding always the current one.
 * Payloads that are not ours (histories recorded before the codec) pass through unchanged, unless
 * `refuseUnencrypted` (the worker's codec).
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly currentKeyId: string,
    key: Buffer,
    olderKeys: Record<string, Buffer> = {},
    private readonly options: CodecOptions = {},
  ) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.keys = new Map([...Object.entries(olderKeys), [currentKeyId, key]]);
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [ENCRYPTION_KEY_ID_KEY]: Buffer.from(this.currentKeyId),
        ...(workflowId && { [ENCRYPTION_WORKFLOW_ID_KEY]: Buffer.from(workflowId) }),
      },
      data: this.seal(serialise(payload), workflowId),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) {
        if (this.options.refuseUnencrypted) throw new UnencryptedPayloadError(text(payload.metadata?.[METADATA_ENCODING_KEY]));
        return payload;
      }
      const keyId = text(payload.metadata?.[ENCRYPTION_KEY_ID_KEY]) ?? '';
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}"`);
      // Payloads sealed before workflow ids were bound carry none: no additional data then.
      const workflowId = payload.metadata?.[ENCRYPTION_WORKFLOW_ID_KEY];
      return deserialise(open(key, Buffer.from(payload.data ?? new Uint8Array()), workflowId));
    });
  }

  /**
   * A short text sealed under the current key, as `<keyId>:<base64url of iv, ciphertext, tag>`: for
   * a value kept inside a JSON document Postgres still reads (a coupon code in the checkouts
   * projection, core/checkouts/projection-codes.ts) rather than a whole payload.
   */
  sealText(text: string): string {
    return `${this.currentKeyId}:${this.seal(Buffer.from(text, 'utf8')).toString('base64url')}`;
  }

  /** The text `sealText` sealed (under any key still configured); throws on an unknown key id or a tampered value. */
  openText(sealed: string): string {
    const at = sealed.lastIndexOf(':');
    const keyId = sealed.slice(0, at);
    const key = this.keys.get(keyId);
    if (at < 0 || !key) throw new Error(`text sealed with unknown key id "${keyId}"`);
    return open(key, Buffer.from(sealed.slice(at + 1), 'base64url')).toString('utf8');
  }

  /** iv ‖ AES-256-GCM ciphertext ‖ tag under the current key, `additionalData` bound when given. */
  private seal(plaintext: Buffer, additionalData?: string | Uint8Array): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId) as Buffer, iv);
    if (additionalData) cipher.setAAD(Buffer.from(additionalData));
    return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
}

/** What `seal` sealed, under `key`; throws when it (or its additional data) was tampered with. */
function open(key: Buffer, data: Buffer, additionalData?: string | Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  if (additionalData) decipher.setAAD(Buffer.from(additionalData));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}

/** What seals and opens the short texts of projection-codes.ts (an EncryptionCodec). */
export type TextSealer = Pick<EncryptionCodec, 'sealText' | 'openText'>;

export interface CodecOptions {
  /**
   * Refuse payloads that are not ours (the worker): a client without the codec (anyone who reaches
   * the Temporal frontend) cannot start or signal a saga with plain arguments. Readers of old
   * histories (the API, the codec endpoint, replay) leave it off.
   */
  refuseUnencrypted?: boolean;
}

/** A payload without the codec's encoding where the codec requires it. Names the encoding, never the data. */
export class UnencryptedPayloadError extends Error {
  constructor(encoding: string | undefined) {
    super(`refused an unencrypted payload (encoding "${encoding ?? 'none'}"): only payloads sealed by the codec are accepted`);
    this.name = 'UnencryptedPayloadError';
  }
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

/** The inner payload as JSON (metadata values and data base64), which avoids a protobuf dependency. */
function serialise(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }));
}

function deserialise(bytes: Buffer): Payload {
  const inner = JSON.parse(bytes.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(inner.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(inner.data, 'base64')),
  };
}

/** The codec the app's config names: TEMPORAL_CODEC_KEY / _ID encode, TEMPORAL_CODEC_OLD_KEYS still decode. */
export function encryptionCodecFor(config: CodecSettings, options: CodecOptions = {}): EncryptionCodec {
  return new EncryptionCodec(config.TEMPORAL_CODEC_KEY_ID, config.temporalCodecKey, config.temporalCodecOldKeys ?? {}, options);
}

export interface CodecSettings {
  TEMPORAL_CODEC_KEY_ID: string;
  temporalCodecKey: Buffer;
  temporalCodecOldKeys?: Record<string, Buffer>;
}

/** Workflow ids are bounded by Temporal (1,000 bytes by default); ours are far shorter. */
const MAX_WORKFLOW_ID_LENGTH = 256;

/**
 * The workflows the sealed payloads belong to (ENCRYPTION_WORKFLOW_ID_KEY), each once, in order. Only
 * payloads of our encoding count: their id is bound to the ciphertext, so once they decoded it is
 * theirs; a plain payload's metadata says whatever its sender wrote.
 */
export function workflowIdsOf(payloads: Payload[]): string[] {
  const ids = payloads
    .filter((p) => text(p.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING)
    .map((p) => text(p.metadata?.[ENCRYPTION_WORKFLOW_ID_KEY]))
    .filter((id): id is string => !!id && id.length <= MAX_WORKFLOW_ID_LENGTH);
  return [...new Set(ids)];
}
