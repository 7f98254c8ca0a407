import { Body, Controller, HttpCode, Inject, Logger, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtension,
  ApiForbiddenResponse,
  ApiHeader,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { recordSecurityEvent } from '../../core/security/security-events';
import { BEARER_SCHEME, Public } from '../access/access.decorators';
import { ApiKeyStore } from '../../core/access/api-key.store';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { CodecAccess, codecActor, type CodecCaller } from './codec-access';
import { CodecRateLimit } from './codec-rate-limit';
import { RefusedAccess } from '../access/refused-access';
import { ProblemException } from '../common/problem';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { decoratorStack } from '../common/decorator-stack';
import { invalidFields } from '../common/problem';
import { encryptionCodecFor, workflowIdsOf, type EncryptionCodec } from '../../core/temporal/encryption-codec';

/** Temporal's remote codec protocol: proto3 JSON, so metadata values and data are base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const SCHEMA = {
  type: 'object',
  properties: { payloads: { type: 'array', items: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } }, data: { type: 'string', format: 'byte' } } } } },
};

/**
 * One codec route: proto3 JSON payloads in, the same payloads transformed out, 200. Open to the global
 * key guard (@Public): the route decides who may call it itself (codec-access.ts), since the Temporal
 * UI sends an OIDC access token or a token in the path, not an API key.
 */
function CodecRoute(path: string, summary: string, ok: string, badRequest: string, access: string, roles: string[] = ['ops', 'admin']) {
  return decoratorStack(
    Post(path),
    Public(),
    ApiOperation({ summary, description: access }),
    ApiExtension('x-roles', roles),
    ApiBearerAuth(BEARER_SCHEME),
    ApiHeader({ name: 'X-Namespace', required: true, description: "The payloads' Temporal namespace (the UI and CLI send it): only this deployment's" }),
    HttpCode(200),
    ApiBody({ schema: SCHEMA }),
    ApiOkResponse({ description: ok }),
    ApiBadRequestResponse({ description: badRequest }),
    ApiUnauthorizedResponse({ description: 'No key or token, or an unknown, revoked or expired one (problem+json)' }),
    ApiTooManyRequestsResponse({ description: 'More than CODEC_RATE_LIMIT_PER_MINUTE calls by this caller in the last minute: retry after Retry-After seconds (problem+json)' }),
    ApiForbiddenResponse({ description: "Another role, a key scoped to a store or till or of another merchant, an access token outside the ops group, or another namespace (problem+json)" }),
    ApiServiceUnavailableResponse({ description: 'The database cannot be reached (the key cannot be checked, or the call cannot be recorded): retry after Retry-After seconds (problem+json)' }),
  );
}

const KEY_OR_TOKEN = 'Roles: `ops`, `admin`. A key of the deployment\'s merchant (MERCHANT_ID) for all of it (`Authorization: Bearer <key>`; a key scoped to a store, or of another merchant, is 403), or the Temporal UI\'s OIDC access token (`codec.passAccessToken`) naming CODEC_OIDC_REQUIRED_GROUP when CODEC_OIDC_* is configured. Each call is a security event, a refused one too (rate-limited like failed authentications).';
const ADMIN_KEY = 'Roles: `admin`. A key of the deployment\'s merchant (MERCHANT_ID) for all of it: encoded payloads are what the worker runs (it refuses plain ones), so neither ops nor the UI may make them. Each call is a security event, a refused one too.';

/**
 * The codec server the Temporal UI and CLI call to show decoded payloads to ops
 * (`temporal workflow show --codec-endpoint http://localhost:3000/v1/codec --codec-auth 'Bearer <ops key>'`;
 * the UI: README "Reading payloads in the Temporal UI"). It holds the same keys as the API and the
 * worker; who may call it is codec-access.ts. CORS for the UI's origin is set in CodecModule.
 */
@ApiTags('codec')
@Controller('v1/codec')
export class CodecController {
  private readonly codec: EncryptionCodec;
  private readonly access: CodecAccess;
  private readonly rateLimit: CodecRateLimit;
  private readonly logger = new Logger('Codec');

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ApiKeyStore) keys: ApiKeyStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RefusedAccess) refusals: RefusedAccess,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    this.codec = encryptionCodecFor(config);
    this.access = new CodecAccess(config, keys, refusals);
    this.rateLimit = new CodecRateLimit(storage, config.CODEC_RATE_LIMIT_PER_MINUTE);
  }

  @CodecRoute('decode', 'Decrypt payloads for the Temporal UI and CLI (remote codec protocol)', 'The same payloads, decrypted', 'problem+json: no payloads array, a payload that does not decrypt, or no X-Namespace', KEY_OR_TOKEN)
  async decode(@Req() request: Request, @Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    return this.run(request, 'decode', await this.access.authorise(request, 'decode'), body, (p) => this.codec.decode(p));
  }

  @CodecRoute('encode', 'Encrypt payloads (remote codec protocol)', 'The same payloads, encrypted', 'problem+json: no payloads array, or no X-Namespace', ADMIN_KEY, ['admin'])
  async encode(@Req() request: Request, @Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    return this.run(request, 'encode', await this.access.authorise(request, 'encode'), body, (p) => this.codec.encode(p));
  }

  /**
   * The endpoint `npm start` gives the Temporal UI it runs (outside production): decode only, open to
   * whoever holds this start's TEMPORAL_UI_CODEC_TOKEN, which only that UI's settings carry.
   */
  @CodecRoute('ui/:token/decode', "Decrypt payloads for the Temporal UI of the development stack (the UI's token in the path)", 'The same payloads, decrypted', 'problem+json: as decode', 'The path\'s token must be this API\'s TEMPORAL_UI_CODEC_TOKEN (404 otherwise); outside production only.')
  @ApiExcludeEndpoint()
  async decodeForUi(@Req() request: Request, @Param('token') token: string, @Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    return this.run(request, 'decode', await this.access.authoriseUi(request, token), body, (p) => this.codec.decode(p));
  }

  private async run(request: Request, operation: 'decode' | 'encode', caller: CodecCaller, body: unknown, codec: (payloads: Payload[]) => Promise<Payload[]>): Promise<{ payloads: JsonPayload[] }> {
    try {
      await this.rateLimit.admit(caller);
    } catch (err) {
      if (err instanceof ProblemException) await this.access.refused(request, operation, caller, 'rate-limited');
      throw err;
    }
    const payloads = (body as { payloads?: unknown } | null)?.payloads;
    if (!Array.isArray(payloads)) throw invalidFields([{ field: 'payloads', message: 'must be an array of payloads' }]);
    const received = payloads.map(fromJson);
    let transformed: Payload[];
    try {
      transformed = await codec(received);
    } catch {
      // Wrong key or tampered ciphertext: say which field, never why in cryptographic detail.
      throw invalidFields([{ field: 'payloads', message: 'must be payloads this codec can read' }]);
    }
    // Who read (or wrote) payloads and of which sagas, never what: the payloads are personal data. The
    // protocol names no workflow; our payloads do (ENCRYPTION_WORKFLOW_ID_KEY, bound to the ciphertext).
    // Recorded before the answer leaves: a decode that cannot be recorded is not answered.
    const workflows = operation === 'decode' ? workflowIdsOf(received) : [];
    this.logger.log(`codec ${operation} of ${payloads.length} payload(s) by ${callerName(caller)}${workflows.length ? ` for ${workflows.slice(0, 3).join(', ')}${workflows.length > 3 ? '…' : ''}` : ''}`);
    await recordSecurityEvent(this.dataSource, {
      event: operation === 'decode' ? 'payload_decode' : 'payload_encode',
      // The key's merchant; the UI's token and an OIDC user act for the deployment (null: SQL only).
      merchant: caller.kind === 'api-key' ? caller.merchant : null,
      actor: codecActor(caller),
      subject: request.header('x-namespace') ?? null,
      outcome: 'ok',
      source: request.ip ?? null,
      detail: { payloads: payloads.length, ...(workflows.length && { workflows: workflows.slice(0, MAX_WORKFLOWS_NAMED), ...(workflows.length > MAX_WORKFLOWS_NAMED && { moreWorkflows: workflows.length - MAX_WORKFLOWS_NAMED }) }) },
    });
    return { payloads: transformed.map(toJson) };
  }
}

/** Workflows named per audited decode: a UI page decodes one saga's payloads; a bulk export is counted beyond this. */
const MAX_WORKFLOWS_NAMED = 20;

/** The caller as the log names it: a key id, a token's subject, or the development UI. */
function callerName(caller: CodecCaller): string {
  if (caller.kind === 'api-key') return `API key ${caller.keyId}`;
  if (caller.kind === 'oidc') return `OIDC subject ${JSON.stringify(caller.subject.slice(0, 128))}`;
  return "the development UI's token";
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
