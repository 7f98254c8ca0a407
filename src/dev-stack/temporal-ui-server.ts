import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stopProcess } from './stop-process';

export interface UiServerOptions {
  binary: string;
  /** Folder for its config (`<dir>/ui/development.yaml`). */
  dir: string;
  port: number;
  /** The Temporal frontend, host:port. */
  temporalAddress: string;
  namespace: string;
  /** The codec server the UI calls to show decrypted payloads (our API's /v1/codec). */
  codecEndpoint?: string;
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

/**
 * Starts the Temporal Web UI server, configured as `temporal server start-dev` configures its
 * embedded one (temporalio/cli devserver: UI on, insecure cookies for plain HTTP, the codec
 * endpoint), and resolves once it answers HTTP.
 */
export async function startUiServer(options: UiServerOptions, readyTimeoutMs = 30_000): Promise<ChildProcess> {
  const configDir = path.join(options.dir, 'ui');
  mkdirSync(configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    cors: { cookieInsecure: true },
    codec: { endpoint: options.codecEndpoint ?? '' },
    hideLogs: true,
  };
  writeFileSync(path.join(configDir, 'development.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  const child = spawn(options.binary, ['--root', options.dir, '--config', 'ui', '--env', 'development', 'start'], {
    stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'],
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`temporal-ui-server exited early with code ${code}`)));
    // A binary that exists but cannot run (not executable, another architecture).
    child.once('error', (err) => reject(new Error(`temporal-ui-server (${options.binary}) could not start: ${err.message}`)));
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForHttp(`http://127.0.0.1:${options.port}/`, readyTimeoutMs), exited]);
  } catch (err) {
    // Not ready in time: it must not outlive the failed start (and hold the UI port for the next one).
    await stopProcess(child);
    throw err;
  }
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal UI at ${url} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}
