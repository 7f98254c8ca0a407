import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';

/**
 * A value kept in Postgres as Temporal would keep it: converted to a payload, sealed by the payload
 * codec (AES-256-GCM, the key id in its metadata, so old keys still open it after a rotation), stored
 * as bytes (the payload's metadata and data as one JSON document, base64 values).
 */
export async function sealValue(codec: PayloadCodec, value: unknown): Promise<Buffer> {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return toStored(sealed);
}

/** The value `sealValue` stored (the codec refuses a tampered one or an unknown key id). */
export async function openValue<T>(codec: PayloadCodec, stored: Buffer): Promise<T> {
  const [payload] = await codec.decode([fromStored(stored)]);
  return defaultPayloadConverter.fromPayload<T>(payload);
}

function toStored(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }));
}

function fromStored(stored: Buffer): Payload {
  const { metadata, data } = JSON.parse(stored.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return { metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(data, 'base64') };
}
