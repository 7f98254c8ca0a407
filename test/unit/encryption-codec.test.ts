import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../core/config/app-config';
import { ENCRYPTION_WORKFLOW_ID_KEY, EncryptionCodec, encryptionCodecFor, UnencryptedPayloadError, workflowIdsOf } from '../../core/temporal/encryption-codec';

describe(EncryptionCodec.name, () => {
  const key = Buffer.alloc(32, 1);
  const codec = new EncryptionCodec('k1', key);
  const input = defaultPayloadConverter.toPayload({ customer: { type: 'phone', value: '919999999999' } });

  it('encrypts with AES-256-GCM, names the key, and decodes back to the same payload', async () => {
    const [encoded] = await codec.encode([input]);
    expect(Buffer.from(encoded.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(encoded.data!).toString('latin1')).not.toContain('919999999999');
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ customer: { type: 'phone', value: '919999999999' } });
  });

  it("names the payload's workflow (the SDK's serialization context) and binds it: another id does not decrypt", async () => {
    const context = { type: 'workflow' as const, namespace: 'default', workflowId: 'checkout:demo:S1:T1:R1' };
    const [a, b] = await codec.encode([input, input], context);
    expect(workflowIdsOf([a, b, input])).toEqual(['checkout:demo:S1:T1:R1']);
    // A plain payload's metadata is its sender's word: not counted.
    expect(workflowIdsOf([{ ...input, metadata: { ...input.metadata, [ENCRYPTION_WORKFLOW_ID_KEY]: Buffer.from('made-up') } }])).toEqual([]);
    expect(defaultPayloadConverter.fromPayload((await codec.decode([a]))[0])).toEqual({ customer: { type: 'phone', value: '919999999999' } });
    const moved = { ...a, metadata: { ...a.metadata, [ENCRYPTION_WORKFLOW_ID_KEY]: Buffer.from('checkout:demo:S1:T1:R2') } };
    await expect(codec.decode([moved])).rejects.toThrow();
    const unbound = Object.fromEntries(Object.entries(a.metadata!).filter(([k]) => k !== ENCRYPTION_WORKFLOW_ID_KEY));
    await expect(codec.decode([{ ...a, metadata: unbound }])).rejects.toThrow();
    // Without a context (a value sealed for Postgres, sealed-value.ts): no id, as before.
    expect(workflowIdsOf(await codec.encode([input]))).toEqual([]);
  });

  it('uses a fresh IV per payload, so equal inputs do not look equal', async () => {
    const [a, b] = await codec.encode([input, input]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('passes payloads written before the codec through unchanged (recorded histories still read)', async () => {
    expect(await codec.decode([input])).toEqual([input]);
  });

  it('refuses a tampered payload and an unknown key id', async () => {
    const [encoded] = await codec.encode([input]);
    const flipped = Buffer.from(encoded.data!);
    flipped[20] ^= 1;
    await expect(codec.decode([{ ...encoded, data: flipped }])).rejects.toThrow();
    await expect(new EncryptionCodec('k2', Buffer.alloc(32, 2)).decode([encoded])).rejects.toThrow(/unknown key id "k1"/);
  });

  it('decodes payloads of a rotated-out key it still holds', async () => {
    const [old] = await codec.encode([input]);
    const rotated = new EncryptionCodec('k2', Buffer.alloc(32, 2), { k1: key });
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toEqual({ customer: { type: 'phone', value: '919999999999' } });
  });

  it('the worker codec (refuseUnencrypted) refuses a payload the codec did not seal, naming its encoding, and still decodes its own', async () => {
    const strict = new EncryptionCodec('k1', key, {}, { refuseUnencrypted: true });
    await expect(strict.decode([input])).rejects.toThrow(UnencryptedPayloadError);
    await expect(strict.decode([input])).rejects.toThrow(/unencrypted payload \(encoding "json\/plain"\)/);
    const [sealed] = await codec.encode([input]);
    expect(await strict.decode([sealed])).toEqual([input]);
  });

  describe('rotation through the config (TEMPORAL_CODEC_OLD_KEYS)', () => {
    const oldKey = Buffer.alloc(32, 3).toString('base64');
    const newKey = Buffer.alloc(32, 4).toString('base64');
    const before = loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_KEY: oldKey, TEMPORAL_CODEC_KEY_ID: '2025-a' });
    const after = loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_KEY: newKey, TEMPORAL_CODEC_KEY_ID: '2026-b', TEMPORAL_CODEC_OLD_KEYS: `2025-a:${oldKey}` });

    it('a payload encoded under the old key decodes after rotation; new payloads name the new id', async () => {
      const [old] = await encryptionCodecFor(before).encode([input]);
      expect(await encryptionCodecFor(after).decode([old])).toEqual([input]);
      const [fresh] = await encryptionCodecFor(after).encode([input]);
      expect(Buffer.from(fresh.metadata!['encryption-key-id']!).toString()).toBe('2026-b');
      // Without the old key listed, the same payload fails naming the id it needs.
      const forgotten = loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_KEY: newKey, TEMPORAL_CODEC_KEY_ID: '2026-b' });
      await expect(encryptionCodecFor(forgotten).decode([old])).rejects.toThrow(/unknown key id "2025-a"/);
    });

    it('refuses malformed entries without echoing the key, a short key, a repeated id and the current id', () => {
      expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_OLD_KEYS: 'no-colon-here' })).toThrow(/TEMPORAL_CODEC_OLD_KEYS: entry 1 must be id:base64/);
      expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_OLD_KEYS: `a:${Buffer.alloc(16).toString('base64')}` })).toThrow(/the key of id "a" must be base64 of 32 bytes/);
      expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_OLD_KEYS: `a:${oldKey},a:${newKey}` })).toThrow(/the id "a" is listed twice/);
      expect(() => loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_KEY_ID: 'a', TEMPORAL_CODEC_OLD_KEYS: `a:${oldKey}` })).toThrow(/names the current TEMPORAL_CODEC_KEY_ID "a"/);
      try {
        loadConfig({ APP_ENV: 'test', TEMPORAL_CODEC_OLD_KEYS: `bad id!:${oldKey}` });
      } catch (err) {
        expect(String(err)).not.toContain(oldKey);
      }
      expect.assertions(5);
    });
  });
});
