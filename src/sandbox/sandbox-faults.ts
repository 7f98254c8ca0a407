import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sampleLatencyMs } from './sandbox-latency';

/**
 * Fault injection per route, for the failures a saga must survive:
 * - `latency`: answer normally, `latencyMs` later; with `p99LatencyMs` too, a long-tailed delay whose
 *   median is `latencyMs` and 99th percentile `p99LatencyMs` (a slow vendor, not a stuck one);
 * - `status`: answer `status` (default 503) with `body` instead of calling the vendor logic;
 * - `rate_limit`: 429 with `Retry-After: retryAfterSeconds`;
 * - `hang`: never answer (until the client gives up);
 * - `apply_then_timeout`: run the vendor logic (the effect is applied and journalled), then hold the
 *   reply for `latencyMs` (default 60 s) so the client times out: the lost-reply case.
 * A fault matches requests whose path (without query) equals `path`, or starts with it when `path`
 * ends in `*`, and optionally only `method`; `times` limits how many requests it hits.
 */
export type FaultKind = 'latency' | 'status' | 'rate_limit' | 'hang' | 'apply_then_timeout';

export interface FaultSpec {
  path: string;
  kind: FaultKind;
  method?: string;
  latencyMs?: number;
  p99LatencyMs?: number;
  status?: number;
  body?: unknown;
  retryAfterSeconds?: number;
  times?: number;
}

interface Fault extends FaultSpec {
  id: number;
  hits: number;
}

const KINDS: readonly FaultKind[] = ['latency', 'status', 'rate_limit', 'hang', 'apply_then_timeout'];
const HELD = Symbol('sandboxHeldReplyMs');

export class SandboxFaults {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: unknown): Fault {
    const s = spec as Partial<FaultSpec> | null;
    if (!s || typeof s.path !== 'string' || !KINDS.includes(s.kind as FaultKind)) {
      throw Object.assign(new Error(`a fault needs a path and a kind (${KINDS.join(', ')})`), { statusCode: 400 });
    }
    const fault: Fault = { ...(s as FaultSpec), id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url.startsWith('/_sandbox/')) return;
      const fault = this.take(req);
      if (!fault) return;
      return this.apply(fault, req, reply);
    });
    app.addHook('onSend', async (req, _reply, payload) => {
      const holdMs = (req as unknown as Record<symbol, number | undefined>)[HELD];
      if (holdMs) await sleepUnlessClosed(req, holdMs);
      return payload;
    });
  }

  private take(req: FastifyRequest): Fault | undefined {
    const path = req.url.split('?')[0];
    const fault = this.faults.find(
      (f) =>
        (f.times === undefined || f.hits < f.times) &&
        (!f.method || f.method.toUpperCase() === req.method) &&
        (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path),
    );
    if (fault) fault.hits += 1;
    return fault;
  }

  private async apply(fault: Fault, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    switch (fault.kind) {
      case 'latency':
        await sleepUnlessClosed(
          req,
          fault.p99LatencyMs ? sampleLatencyMs(fault.latencyMs ?? 0, fault.p99LatencyMs) : (fault.latencyMs ?? 1000),
        );
        return;
      case 'status':
        return reply.code(fault.status ?? 503).send(fault.body ?? { error: 'injected fault' });
      case 'rate_limit':
        return reply
          .code(429)
          .header('retry-after', String(fault.retryAfterSeconds ?? 1))
          .send(fault.body ?? { error: 'Too Many Requests' });
      case 'hang':
        await sleepUnlessClosed(req, fault.latencyMs ?? 10 * 60 * 1000);
        return reply.code(504).send({ error: 'injected hang ended' });
      case 'apply_then_timeout':
        (req as unknown as Record<symbol, number>)[HELD] = fault.latencyMs ?? 60_000;
        return;
    }
  }
}

/** Waits `ms`, or less if the client hung up: a held reply must not keep the sandbox from closing. */
function sleepUnlessClosed(req: FastifyRequest, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      req.raw.socket?.off('close', done);
      resolve();
    }
    req.raw.socket?.once('close', done);
  });
}
