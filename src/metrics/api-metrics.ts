import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The API's registry, served from this process's own counters: a scrape reads memory and queries
 * nothing (it used to count the `checkouts` projection by state on every scrape; issue 21, M7).
 * The sagas' states are counted where they change, by the worker (`checkout_saga_transitions_total`).
 */
export function createApiRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'checkout_api_' });
  new Counter({
    name: 'checkout_api_requests_total',
    help: 'API requests answered, by method, route template (not the path: no checkout id) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  new Histogram({
    name: 'checkout_api_request_duration_seconds',
    help: 'Time to answer an API request, by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return registry;
}

/** The methods a label may name; anything else is `other` (labels stay a bounded set). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * Express middleware that counts every answered request in `registry` (createApiRegistry's). The
 * route is Express's matched template (`/v1/checkouts/:id`), `unmatched` when no route took it.
 */
export function countRequests(registry: Registry): RequestHandler {
  const requests = registry.getSingleMetric('checkout_api_requests_total') as Counter<'method' | 'route' | 'status'>;
  const duration = registry.getSingleMetric('checkout_api_request_duration_seconds') as Histogram<'method' | 'route'>;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = typeof req.route?.path === 'string' ? (req.route.path as string) : 'unmatched';
      const method = METHODS.has(req.method) ? req.method : 'other';
      requests.inc({ method, route, status: String(res.statusCode) });
      duration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
