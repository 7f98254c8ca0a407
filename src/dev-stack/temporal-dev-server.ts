import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SearchAttributes } from '../../workflows/checkout.contract';

export interface DevServerOptions {
  binary: string;
  port: number;
  /** Web UI port, or undefined to run headless (tests). */
  uiPort?: number;
  /** The codec server the Web UI calls to show decrypted payloads (our API's /v1/codec). */
  uiCodecEndpoint?: string;
  /** SQLite file that survives restarts; in-memory when undefined. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own log goes; the default keeps it out of the way. */
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `--search-attribute Name=Type` for every attribute of the checkout contract. */
export function searchAttributeFlags(): string[] {
  const typeNames: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime' };
  return Object.values(SearchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=${typeNames[key.type]}`]);
}

/** Starts `temporal server start-dev` and resolves once its frontend answers gRPC. */
export async function startDevServer(options: DevServerOptions, readyTimeoutMs = 60_000): Promise<DevServer> {
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--namespace', options.namespace ?? 'default',
    '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.uiPort && options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...searchAttributeFlags(),
  ];
  const child = spawn(options.binary, args, { stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'] });
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server exited early with code ${code}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForFrontend(address, options.namespace ?? 'default', readyTimeoutMs), exited]);
  return {
    address,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForFrontend(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}
