import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../core/temporal/encryption-codec';

/**
 * A history as the server holds it, for canary searches: every bytes field (payload data, metadata)
 * as UTF-8 text, except the data of payloads the codec encrypted ('<encrypted>'). Not JSON.stringify
 * with a replacer: protobuf messages and Buffers have their own toJSON, which turns bytes into base64
 * or number arrays before a replacer sees them, so a canary in clear would never be found.
 */
export function historyAsText(history: temporal.api.history.v1.IHistory): unknown {
  const message = temporal.api.history.v1.History.fromObject(history);
  return textOf(temporal.api.history.v1.History.toObject(message, { defaults: false }), undefined, undefined);
}

function textOf(value: unknown, key: string | undefined, parent: Record<string, unknown> | undefined): unknown {
  if (value instanceof Uint8Array) {
    const encoding = (parent?.metadata as Record<string, Uint8Array> | undefined)?.encoding;
    if (key === 'data' && encoding && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING) return '<encrypted>';
    return Buffer.from(value).toString('utf8');
  }
  if (Array.isArray(value)) return value.map((item) => textOf(item, undefined, undefined));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, textOf(v, k, record)]));
  }
  return value;
}
