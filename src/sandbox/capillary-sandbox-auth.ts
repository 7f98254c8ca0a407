import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { body, header } from './capillary-sandbox-input';
import { CAPILLARY_SANDBOX_OAUTH, CAPILLARY_SANDBOX_TILL } from './capillary-sandbox-org';
import type { CapillarySandboxState } from './capillary-sandbox-state';

/** Capillary's two ways in: server-to-server OAuth tokens, and a POS till's Basic credentials. */
export class CapillarySandboxAuth {
  constructor(private readonly state: CapillarySandboxState) {}

  generateToken(req: FastifyRequest, reply: FastifyReply) {
    const b = body(req);
    if (b.key !== CAPILLARY_SANDBOX_OAUTH.key || b.secret !== CAPILLARY_SANDBOX_OAUTH.secret) {
      return reply.code(401).send({ data: null, errors: [{ code: 401, message: 'Invalid key or secret' }] });
    }
    const token = randomBytes(24).toString('base64url');
    this.state.tokens.set(token, Date.now() + this.state.config.tokenTtlSeconds * 1000);
    return { data: { accessToken: token, ttlSeconds: this.state.config.tokenTtlSeconds }, errors: null };
  }

  /** OAuth token (server to server) or the till's Basic credentials (POS terminal). */
  authorised(req: FastifyRequest): boolean {
    const token = header(req, 'x-cap-api-oauth-token');
    if (token) return (this.state.tokens.get(token) ?? 0) > Date.now();
    const auth = header(req, 'authorization');
    if (!auth?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString();
    const colon = decoded.indexOf(':');
    // The vendor's own example puts a space after the colon; accept it.
    const [till, digest] = [decoded.slice(0, colon).trim(), decoded.slice(colon + 1).trim().toLowerCase()];
    return colon > 0 && till === CAPILLARY_SANDBOX_TILL.code && digest === md5(CAPILLARY_SANDBOX_TILL.password);
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
