import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { buildSandboxApp } from '../../src/sandbox/sandbox-app';

/** The vendor sandbox listening on a free port of 127.0.0.1. */
export interface SandboxServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (vendors live under their SANDBOX_PATHS prefix). */
  url: string;
  /** Back to the seed state: vendors' data, journal and faults. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Resets the sandbox at `sandboxUrl` (its vendors' data, its journal and its faults). */
export async function resetSandbox(sandboxUrl: string): Promise<void> {
  await request(sandboxUrl).post('/_sandbox/reset').expect(200);
}

/** Starts the sandbox in this process; `configure` adds a test's own hooks before it listens. */
export async function startSandbox(configure: (app: FastifyInstance) => void = () => undefined): Promise<SandboxServer> {
  const app = buildSandboxApp();
  configure(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    reset: () => resetSandbox(url),
    async close() {
      // After an aborted request (the lost-reply tests) undici may hold a connection the server never
      // counts as idle: close them all instead of waiting for keep-alive to expire.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
    },
  };
}

/**
 * The calling test file's sandbox: started before its first test, reset before each, closed after
 * its last. The returned object is filled in by the first hook: use it inside tests and hooks only.
 */
export function sandboxForFile(configure?: (app: FastifyInstance) => void): SandboxServer {
  const sandbox = {} as SandboxServer;
  beforeAll(async () => {
    Object.assign(sandbox, await startSandbox(configure));
  });
  afterAll(() => sandbox.close?.());
  beforeEach(() => sandbox.reset());
  return sandbox;
}
