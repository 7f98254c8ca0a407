import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import { Roles } from '../access/access.decorators';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { decoratorStack } from '../common/decorator-stack';
import { invalidFields } from '../common/problem';
import { encryptionCodecFor, type EncryptionCodec } from '../../core/temporal/encryption-codec';

/** Temporal's remote codec protocol: proto3 JSON, so metadata values and data are base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const SCHEMA = {
  type: 'object',
  properties: { payloads: { type: 'array', items: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, data: { type: 'string', format: 'byte' } } } } },
};

/** One codec route (ops only): proto3 JSON payloads in, the same payloads transformed out, 200. */
function CodecRoute(path: string, summary: string, ok: string, badRequest: string) {
  return decoratorStack(
    Post(path),
    Roles('ops'),
    ApiOperation({ summary }),
    HttpCode(200),
    ApiBody({ schema: SCHEMA }),
    ApiOkResponse({ description: ok }),
    ApiBadRequestResponse({ description: badRequest }),
  );
}

/**
 * The codec server the Temporal UI and CLI call to show decoded payloads to ops
 * (`temporal server start-dev --ui-codec-endpoint http://localhost:3000/v1/codec`,
 * `temporal workflow show --codec-endpoint …`). It holds the same key as the API and the worker.
 * CORS for the UI's origin is set in CodecModule.
 */
@ApiTags('codec')
@Controller('v1/codec')
export class CodecController {
  private readonly codec: EncryptionCodec;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.codec = encryptionCodecFor(config);
  }

  @CodecRoute('decode', 'Decrypt payloads for the Temporal UI and CLI (remote codec protocol)', 'The same payloads, decrypted', 'problem+json: no payloads array, or a payload that does not decrypt')
  decode(@Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    return this.run(body, (p) => this.codec.decode(p));
  }

  @CodecRoute('encode', 'Encrypt payloads (remote codec protocol)', 'The same payloads, encrypted', 'problem+json: no payloads array')
  encode(@Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    return this.run(body, (p) => this.codec.encode(p));
  }

  private async run(body: unknown, codec: (payloads: Payload[]) => Promise<Payload[]>): Promise<{ payloads: JsonPayload[] }> {
    const payloads = (body as { payloads?: unknown } | null)?.payloads;
    if (!Array.isArray(payloads)) throw invalidFields([{ field: 'payloads', message: 'must be an array of payloads' }]);
    let transformed: Payload[];
    try {
      transformed = await codec(payloads.map(fromJson));
    } catch {
      // Wrong key or tampered ciphertext: say which field, never why in cryptographic detail.
      throw invalidFields([{ field: 'payloads', message: 'must be payloads this codec can read' }]);
    }
    return { payloads: transformed.map(toJson) };
  }
}

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p?.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(String(v), 'base64'))])),
    data: new Uint8Array(Buffer.from(String(p?.data ?? ''), 'base64')),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
