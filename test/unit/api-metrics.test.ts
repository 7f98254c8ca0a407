import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { countRequests, createApiRegistry } from '../../src/metrics/api-metrics';

/** /metrics is served from the API's own counters: a scrape needs no database (issue 21, M7). */
describe('API metrics', () => {
  function answer(registry: ReturnType<typeof createApiRegistry>, req: Partial<Request>, status: number): void {
    const res = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
    countRequests(registry)(req as Request, res, () => undefined);
    res.emit('finish');
  }

  it('counts answers by method, route template and status, with no path, and scrapes without any database', async () => {
    const registry = createApiRegistry();
    answer(registry, { method: 'GET', route: { path: '/v1/checkouts/:id' }, url: '/v1/checkouts/checkout:demo:S1:T1:SECRET' } as Partial<Request>, 200);
    answer(registry, { method: 'GET', route: { path: '/v1/checkouts/:id' } } as Partial<Request>, 200);
    answer(registry, { method: 'BREW', url: '/nowhere' }, 404);
    const text = await registry.metrics();
    expect(text).toMatch(/^checkout_api_requests_total\{method="GET",route="\/v1\/checkouts\/:id",status="200"\} 2$/m);
    expect(text).toMatch(/^checkout_api_requests_total\{method="other",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^checkout_api_request_duration_seconds_count\{method="GET",route="\/v1\/checkouts\/:id"\} 2$/m);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('checkout_sagas{');
  });
});
