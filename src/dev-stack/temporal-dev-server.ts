import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SearchAttributes } from '../../workflows/checkout.contract';
import { stopProcess } from './stop-process';
import { dynamicConfigFlags } from './temporal-dynamic-config';

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
  /** The server's own log: `text` (the CLI's default, key=value) or one JSON object a line. */
  logFormat?: 'text' | 'json';
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The dev server's SQLite file in write-ahead-log mode, synced at checkpoints rather than at every
 * commit: by default each history append waits for its own fsync and the server serialises on the
 * disk (issue 8 measured it as the largest cost of a checkout). WAL with synchronous=NORMAL stays
 * consistent after a crash of the server, and a restart on the same file (chaos scenario 1) resumes
 * every saga; only an operating-system crash may lose the last commits, acceptable for a dev server.
 * Production runs a Temporal cluster with its own database.
 */
export const SQLITE_FILE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

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
    ...(options.logFormat ? ['--log-format', options.logFormat] : []),
    ...dynamicConfigFlags(),
    ...(options.dbFile ? ['--db-filename', options.dbFile, ...SQLITE_FILE_PRAGMAS] : []),
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
  await Promise.race([waitForFrontend(address, options.namespace ?? 'default', readyTimeoutMs, exited), exited]);
  return {
    address,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** Resolves once the frontend at `address` answers for `namespace`; gives up when `until` settles (the server exited). */
export async function waitForFrontend(address: string, namespace: string, timeoutMs: number, until?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let givenUp = false;
  until?.then(() => (givenUp = true), () => (givenUp = true));
  while (Date.now() < deadline && !givenUp) {
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
