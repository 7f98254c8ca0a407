import type { FastifyRequest } from 'fastify';
import { fromVendorAmount } from '../../core/money/money';
import { CAPILLARY_SANDBOX_TILL, ORG_CURRENCY } from './capillary-sandbox-org';

/**
 * Reading Capillary requests. Its JSON is converted XML, so a list may arrive as one object and a
 * number as a string: these readers accept both, as the real vendor does.
 */

export type Body = Record<string, unknown>;
export type Query = Record<string, string | undefined>;
export type IdentifierKey = 'mobile' | 'email' | 'external_id';

export function body(req: FastifyRequest): Body {
  return obj(req.body) ?? {};
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The till a call is attributed to (OAuth attribution headers), for the records it leaves. */
export function tillOf(req: FastifyRequest): string {
  return header(req, 'x-cap-api-attribution-entity-code') ?? CAPILLARY_SANDBOX_TILL.code;
}

export function identifierOf(input: Body): { key: IdentifierKey; value: string } | undefined {
  for (const key of ['mobile', 'email', 'external_id'] as const) {
    const value = str(input[key]);
    if (value) return { key, value };
  }
  return undefined;
}

export function identifierEcho(q: Query): Body {
  const id = identifierOf(q);
  return id ? { [id.key]: id.value } : {};
}

export function now(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

export function cents(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    return fromVendorAmount(value, ORG_CURRENCY);
  } catch {
    return undefined;
  }
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function obj(value: unknown): Body | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;
}

export function list(value: unknown): Body[] {
  if (Array.isArray(value)) return value.map(obj).filter((v): v is Body => v !== undefined);
  const single = obj(value);
  return single ? [single] : [];
}

export function dig(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => obj(v)?.[key], value);
}
