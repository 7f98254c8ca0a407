import { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../core/config/app-config';
import { REDACTION } from '../../core/logging/log-redaction';
import { consoleLineFormatter, consolePrefix } from '../../src/dev-stack/console-lines';

const TIME = /\d\d:\d\d:\d\d/.source;

// A request line as the API writes it (pino-http, authorization already redacted), shortened.
const apiRequestLine = JSON.stringify({
  level: 30, time: 1796411056354, pid: 7946, hostname: 'vm',
  req: { id: 1, method: 'POST', url: '/v1/checkouts', headers: { host: 'localhost:3000', authorization: '[redacted]', 'content-type': 'application/json' }, remoteAddress: '127.0.0.1' },
  checkoutId: 'checkout:demo:S1:T1:REF0001', workflowId: 'checkout:demo:S1:T1:REF0001',
  res: { statusCode: 201, headers: { 'idempotent-replayed': 'false' } }, responseTime: 437, msg: 'request completed',
});

describe(consoleLineFormatter.name, () => {
  const pretty = (name: string) => consoleLineFormatter(name, 'pretty');

  it('prints an API request as one line: process, time, level, method, url, status, duration and checkout', () => {
    const line = pretty('api')(apiRequestLine);
    expect(line).toMatch(new RegExp(`^api {6}│ ${TIME} INFO: POST /v1/checkouts 201 437ms checkout=checkout:demo:S1:T1:REF0001$`));
    expect(line).not.toMatch(/authorization|headers|pid|hostname|\n/);
  });

  it('keeps the fields that matter on a worker line, and the workflow when it is not the checkout', () => {
    const line = pretty('worker')(JSON.stringify({
      level: 40, time: 1796411056354, process: 'worker', sdkComponent: 'worker', taskQueue: 'checkout-saga', namespace: 'default',
      workflowId: 'void:checkout:demo:S1:T1:R1', checkoutId: 'checkout:demo:S1:T1:R1', runId: 'r-1', taskToken: 'AAAA',
      activityType: 'voidLoyaltyPurchase', attempt: 2, errorType: 'VendorUnavailable', error: 'CRM.COM answered 503 Service Unavailable',
      msg: 'activity attempt failed',
    }));
    expect(line).toMatch(new RegExp(`^worker {3}│ ${TIME} WARN: activity attempt failed checkout=checkout:demo:S1:T1:R1 workflow=void:checkout:demo:S1:T1:R1 activityType=voidLoyaltyPurchase attempt=2 errorType=VendorUnavailable error="CRM.COM answered 503 Service Unavailable"$`));
    expect(line).not.toMatch(/taskToken|runId|taskQueue|namespace/);
  });

  it("reads the Temporal server's JSON (level name, ISO time) the same way", () => {
    const line = pretty('temporal')('{"time":"2026-12-04T19:02:11.114Z","level":"WARN","msg":"Failed to poll for task.","service":"worker","Error":"closing transport"}');
    expect(line).toMatch(new RegExp(`^temporal │ ${TIME} WARN: Failed to poll for task\\. service=worker Error="closing transport"$`));
  });

  it("reads temporal-server's zap JSON (time as `ts`) without its call site and stack trace", () => {
    const line = pretty('temporal')(JSON.stringify({
      level: 'error', ts: '2026-12-04T19:02:11.114Z', msg: 'error fetching user data from parent', component: 'matching-engine',
      'logging-call-at': '/root/go/pkg/mod/x.go:292', stacktrace: 'go.temporal.io/server/common/log.(*zapLogger).Error',
    }));
    expect(line).toMatch(new RegExp(`^temporal │ ${TIME} ERROR: error fetching user data from parent component=matching-engine$`));
  });

  it('prints an error by its type and message, and a multi-line message on one line', () => {
    const line = pretty('api')(JSON.stringify({ level: 50, time: 1, context: 'ExceptionsHandler', err: { type: 'Error', message: 'boom\n  at x', stack: 'Error: boom\n  at x' }, msg: 'first\nsecond\nthird' }));
    expect(line).toMatch(new RegExp(`^api {6}│ ${TIME} ERROR: \\[ExceptionsHandler\\] first \\(\\+2 lines\\) err="Error: boom \\(\\+1 lines\\)"$`));
  });

  it("leaves out Nest's module and route listing at start, and keeps its other lines", () => {
    const format = pretty('api');
    expect(format('{"level":30,"time":1,"context":"RouterExplorer","msg":"Mapped {/health, GET} route"}')).toBeUndefined();
    expect(format('{"level":30,"time":1,"context":"NestApplication","msg":"Nest application successfully started"}')).toContain('[NestApplication] Nest application successfully started');
  });

  it('passes a line that is not a JSON log line through unchanged after the prefix', () => {
    const format = pretty('sandbox');
    for (const line of ['vendor sandbox listening on http://127.0.0.1:4010', '{not json', '[1,2]', '{"port":4010}', 'Server:  localhost:7233']) {
      expect(format(line)).toBe(`sandbox  │ ${line}`);
    }
  });

  it('prints nothing the JSON had redacted', () => {
    const chunks: string[] = [];
    const out = new Writable({ write: (chunk: Buffer, _enc, done) => done(void chunks.push(chunk.toString())) });
    pino({ redact: REDACTION }, out).info(
      { checkoutId: 'checkout:demo:S1:T1:R1', customer: { identifier: { value: '22265577' }, phone: '35799000000' }, email: 'c@d.example', token: { accessToken: 'secret-token' } },
      'customer looked up',
    );
    const line = pretty('worker')(chunks.join('').trim()) ?? '';
    for (const secret of ['22265577', '35799000000', 'c@d.example', 'secret-token']) expect(line).not.toContain(secret);
    expect(line).toContain('customer looked up');
    expect(line).toContain('email=[redacted]');
  });

  it('json: the line exactly as the process wrote it, after the prefix', () => {
    const format = consoleLineFormatter('api', 'json');
    expect(format(apiRequestLine)).toBe(`${consolePrefix('api')}${apiRequestLine}`);
    expect(format('{"level":30,"time":1,"context":"RouterExplorer","msg":"Mapped {/health, GET} route"}')).toContain('RouterExplorer');
    expect(format('API listening on http://localhost:3000')).toBe('api      │ API listening on http://localhost:3000');
  });
});

describe('LOG_FORMAT', () => {
  it('is pretty unless set to json, and any other value is a configuration error naming it', () => {
    expect(loadConfig({ APP_ENV: 'test' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ APP_ENV: 'test', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(() => loadConfig({ APP_ENV: 'test', LOG_FORMAT: 'text' })).toThrow(ConfigError);
    expect(() => loadConfig({ APP_ENV: 'test', LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT/);
  });
});
