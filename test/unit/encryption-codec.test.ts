import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../core/temporal/encryption-codec';

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
});
