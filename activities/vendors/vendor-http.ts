import { Context } from '@temporalio/activity';
import { request } from 'undici';
import { observeVendorCall } from '../metrics/worker-metrics';
import { redact, REDACTED } from './redact';
import { currentAttemptBackoffMs } from './retry-backoff';
import { vendorResponseOf, vendorUnavailable } from './vendor-errors';
import type { CallFacts, VendorCallContext } from './vendor-call';
import { CIRCUIT_OPEN, type VendorCircuit } from './vendor-circuit';

export interface VendorResponse<T = unknown> {
  status: number;
  body: T;
  latencyMs: number;
}

export interface VendorRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead (OAuth token endpoints). */
  form?: Record<string, string>;
  /**
   * Dotted body paths (a field, or one object down) that hold a secret whatever their name: redacted
   * from the audit excerpt besides the name-based redaction (configured field names, CRMCOM_OTP_FIELD).
   */
  secretPaths?: readonly string[];
}

/** The body with each of `paths` (top-level or one object down) replaced by REDACTED where present. */
export function redactPaths(body: unknown, paths: readonly string[] = []): unknown {
  if (paths.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out = { ...(body as Record<string, unknown>) };
  for (const path of paths) {
    const [head, leaf] = path.split('.');
    if (!(head in out)) continue;
    if (leaf === undefined) out[head] = REDACTED;
    else if (out[head] !== null && typeof out[head] === 'object' && !Array.isArray(out[head]) && leaf in (out[head] as object)) {
      out[head] = { ...(out[head] as Record<string, unknown>), [leaf]: REDACTED };
    }
  }
  return out;
}

/**
 * HTTP to one vendor: a hard timeout on every call, JSON in and out, and the transport faults
 * classified once here. A timeout or reset is an unknown outcome, so it surfaces as retryable
 * `VendorUnavailable`; the adapter looks the effect up before it re-sends anything with a side effect.
 * Business answers (any status the vendor uses for "no") are left to the adapter, which knows the envelope.
 */
export interface VendorHttpOptions {
  /** What of an answer the audit excerpt keeps, before the key redaction (a vendor whose error texts may quote what it was sent). */
  responseExcerpt?: (body: unknown) => unknown;
  /**
   * The vendor's circuit breaker in this worker (vendor-circuits.ts): every call goes through it, and
   * while it is open none is sent. Absent (adapter tests, the bench baseline): every call is sent.
   */
  circuit?: VendorCircuit;
}

export class VendorHttp {
  private readonly responseExcerpt: (body: unknown) => unknown;
  private readonly circuit: VendorCircuit | undefined;

  constructor(
    readonly vendor: string,
    private readonly timeoutMs: number,
    options: VendorHttpOptions = {},
  ) {
    this.responseExcerpt = options.responseExcerpt ?? ((body) => body);
    this.circuit = options.circuit;
  }

  async send<T>(req: VendorRequest): Promise<VendorResponse<T>> {
    // An attempt its activity gave up on (a local activity's timeout, a cancel) sends nothing more, and
    // its call in flight is dropped: the next attempt must not race it (it looks the effect up first).
    const abandoned = attemptCancellation();
    if (abandoned?.aborted) throw vendorUnavailable(this.vendor, `${req.operation}: the attempt was cancelled before sending`, { notSent: true });
    if (!this.circuit) return this.exchange<T>(req, abandoned);
    return this.circuit.run(req.operation, () => this.exchange<T>(req, abandoned), currentAttemptBackoffMs());
  }

  /** One request and its answer, the transport faults and 429/5xx thrown as VendorUnavailable. */
  private async exchange<T>(req: VendorRequest, abandoned: AbortSignal | undefined): Promise<VendorResponse<T>> {
    const started = performance.now();
    let res;
    try {
      const [contentType, payload] = req.form
        ? ['application/x-www-form-urlencoded', new URLSearchParams(req.form).toString()]
        : req.body !== undefined
          ? ['application/json', JSON.stringify(req.body)]
          : [undefined, undefined];
      res = await request(req.url, {
        method: req.method,
        headers: { accept: 'application/json', ...(contentType && { 'content-type': contentType }), ...req.headers },
        body: payload,
        signal: abandoned ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs), abandoned]) : AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const reason = isTimeout(err) ? `no answer within ${this.timeoutMs} ms` : describe(err);
      throw vendorUnavailable(this.vendor, `${req.operation}: ${reason}`, { ...(neverSent(err) && { notSent: true }) });
    }
    const text = await res.body.text();
    const latencyMs = Math.round(performance.now() - started);
    let body: unknown = text;
    try {
      body = text.length ? JSON.parse(text) : null;
    } catch {
      // Gateways answer 502/503 with HTML; keep the text for the excerpt.
    }
    if (res.statusCode === 429 || res.statusCode >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      throw vendorUnavailable(this.vendor, `${req.operation}: HTTP ${res.statusCode}`, {
        retryAfterMs,
        httpStatus: res.statusCode,
        response: body,
      });
    }
    return { status: res.statusCode, body: body as T, latencyMs };
  }

  /** Sends and writes the audit row, whatever happens. */
  async audited<T>(
    ctx: VendorCallContext,
    req: VendorRequest,
    interpret: (res: VendorResponse<T>) => CallFacts,
  ): Promise<VendorResponse<T>> {
    const started = performance.now();
    const requestExcerpt = redact(redactPaths(req.body ?? null, req.secretPaths));
    try {
      const res = await this.send<T>(req);
      const facts = interpret(res);
      observeVendorCall(this.vendor, req.operation, 'success', res.latencyMs);
      await ctx.recorder.record({
        vendor: this.vendor,
        operation: req.operation,
        outcome: 'success',
        httpStatus: res.status,
        latencyMs: res.latencyMs,
        requestExcerpt,
        responseExcerpt: redact(this.responseExcerpt(res.body)),
        vendorReference: facts.vendorReference ?? null,
        amountMinor: facts.amountMinor ?? null,
        ...(facts.recoveredBy && { recoveredBy: facts.recoveredBy }),
      });
      return res;
    } catch (err) {
      const failure = err as Error & { type?: string; nonRetryable?: boolean; details?: unknown[] };
      const detail = (failure.details?.[0] ?? {}) as { code?: string; httpStatus?: number };
      // Final is a refusal, except an open circuit: final for a local activity's try, but no answer from the vendor.
      const rejected = failure.nonRetryable === true && detail.code !== CIRCUIT_OPEN;
      observeVendorCall(this.vendor, req.operation, rejected ? 'rejected' : 'failed', performance.now() - started);
      await ctx.recorder.record({
        vendor: this.vendor,
        operation: req.operation,
        outcome: rejected ? 'rejected' : 'failed',
        httpStatus: detail.httpStatus ?? null,
        latencyMs: Math.round(performance.now() - started),
        requestExcerpt,
        responseExcerpt: redact(this.responseExcerpt(vendorResponseOf(err) ?? null)),
        errorCode: detail.code ?? failure.type ?? null,
        errorMessage: failure.message,
      });
      throw err;
    }
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * Failures that happen before a connection exists, so the request was certainly never written: the
 * vendor cannot have applied it. A timeout or a reset is not among them (the request may have arrived).
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function neverSent(err: unknown): boolean {
  return NOT_SENT_CODES.has((err as { code?: string } | null)?.code ?? '');
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string } | null;
  return e?.code ?? e?.message ?? 'network error';
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The running activity attempt's cancellation signal; none outside an activity (the bench baseline, adapter tests). */
function attemptCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
