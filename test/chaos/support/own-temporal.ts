import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTemporalBinary } from '../../../src/dev-stack/temporal-cli';
import { startDevServer, type DevServer } from '../../../src/dev-stack/temporal-dev-server';
import { freePort } from '../../../src/dev-stack/free-port';

/**
 * A Temporal dev server of the chaos suite's own, on a SQLite file, so scenario 1 can stop it and
 * start it again on the same file and port without touching anyone else's server.
 */
export interface OwnTemporal {
  address: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnTemporal(): Promise<OwnTemporal> {
  const binary = await ensureTemporalBinary(() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-temporal-'));
  const options = { binary, port: await freePort(), dbFile: path.join(dir, 'temporal.sqlite') };
  let server: DevServer | undefined = await startDevServer(options);
  return {
    address: server.address,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async restart() {
      server = await startDevServer(options);
    },
    async destroy() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
