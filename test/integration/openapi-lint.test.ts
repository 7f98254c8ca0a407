import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startTestStack, type TestStack } from '../support/test-stack';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
/** The redocly CLI of the devDependency (package.json pins it; `npm ci` installs it): its own bin under this Node. */
function redoclyCommand(): { file: string; args: string[] } {
  const manifest = require.resolve('@redocly/cli/package.json', { paths: [ROOT] });
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const relative = typeof bin === 'string' ? bin : (bin.redocly ?? Object.values(bin)[0]);
  return { file: process.execPath, args: [path.join(path.dirname(manifest), relative)] };
}

/** The API description a POS integrator reads passes `redocly lint` (recommended rules, redocly.yaml): no error, no warning. */
describe('the OpenAPI document (/docs-json)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({}, { worker: false });
  });
  afterAll(() => stack?.stop());

  it('is lint-clean under redocly recommended', async () => {
    const document = await request(stack.apiUrl).get('/docs-json').expect(200);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'openapi-lint-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document.body, null, 2));
    const { file: command, args } = redoclyCommand();
    const lint = [...args, 'lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json'];
    // Exit 1 on errors; the JSON report on stdout says which, and counts the warnings too.
    const { stdout } = await run(command, lint, { cwd: tmpdir(), maxBuffer: 16 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw error;
        return { stdout: error.stdout };
      },
    );
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 180_000);

  // redocly.yaml turns operation-4xx-response off for the probes; every keyed route is held to more here.
  it('describes the 401, 403, 429 and 503 of every operation that needs a key, and every 4xx, with the problem+json schema', async () => {
    const { body } = await request(stack.apiUrl).get('/docs-json').expect(200);
    const document = body as { paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>> };
    const keyed: string[] = [];
    const problems: string[] = [];
    for (const [route, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const label = `${method.toUpperCase()} ${route}`;
        if (operation.security?.length) keyed.push(label);
        else expect([label, operation.security]).toEqual([label, []]);
        if (operation.security?.length) {
          // The codec decides who calls it itself (API keys, the UI's tokens): no per-key rate limit, so no 429 (README, not there yet).
          const statuses = route.startsWith('/v1/codec/') ? ['401', '403', '503'] : ['401', '403', '429', '503'];
          for (const status of statuses) if (!operation.responses[status]) problems.push(`${label}: no ${status}`);
        }
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!status.startsWith('4')) continue;
          const schema = response.content?.['application/problem+json']?.schema ?? response.content?.['application/json']?.schema;
          if (!schema) problems.push(`${label}: ${status} has no schema`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(keyed.length).toBeGreaterThan(20);
  });
});

/** API_DOCS=false (production's default without it, see servesApiDocs): no route map for whoever reaches the API. */
describe('the OpenAPI document with API_DOCS=false', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ API_DOCS: 'false' }, { worker: false });
  });
  afterAll(() => stack?.stop());

  it('is not served, and the API still is', async () => {
    await request(stack.apiUrl).get('/docs-json').expect(404);
    await request(stack.apiUrl).get('/docs').expect(404);
    await request(stack.apiUrl).get('/health').expect(200);
  });
});
