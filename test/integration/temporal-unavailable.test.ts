import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/api-app';
import { loadConfig } from '../../core/config/app-config';
import { createDataSource } from '../../core/database/data-source';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { TEST_RUNTIME_DATABASE_URL } from '../support/test-env';
import { bearer, testKeyFactory } from '../support/test-stack';

/** With the workflow engine out of reach, a till gets 503 and Retry-After, never a 500. */
describe('the API while Temporal is unreachable', () => {
  let api: INestApplication;
  let posKey: string;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing answers gRPC there.
    const config = loadConfig({ APP_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: TEST_RUNTIME_DATABASE_URL, TEMPORAL_ADDRESS: '127.0.0.1:9' });
    const dataSource = await createDataSource(config.DATABASE_URL, 1).initialize();
    posKey = await testKeyFactory(dataSource, config.MERCHANT_ID)({ role: 'pos' });
    await dataSource.destroy();
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
  });
  afterAll(() => api?.close());

  it('answers a checkout with 503 problem+json and Retry-After within a few seconds', async () => {
    const started = Date.now();
    const res = await request(api.getHttpServer()).post('/v1/checkouts').set(bearer(posKey)).send(oneShotCheckoutBody('UNAVAILABLE1'));
    // The client gives up after ~1 s of gRPC retries, not the SDK default's ~20 s.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/temporarily-unavailable', status: 503 });
  });
});
