import { createServer } from 'node:net';

/** A port a process we start will listen on, named for the error when it is taken. */
export interface PlannedPort {
  port: number;
  what: string;
}

/**
 * Fails, naming the first taken port, when any of the ports is in use on 127.0.0.1: checked before
 * anything starts, so a clash is one clear line instead of a server dying halfway through its start.
 */
export async function assertPortsFree(ports: PlannedPort[], hint: string): Promise<void> {
  for (const { port, what } of ports) {
    if (await inUse(port)) throw new Error(`port ${port} (${what}) is in use: ${hint}`);
  }
}

function inUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}
