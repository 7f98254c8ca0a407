import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer } from 'node:tls';

export interface TlsProxy {
  /** host:port for TEMPORAL_ADDRESS. */
  address: string;
  close(): Promise<void>;
}

/**
 * A TLS-terminating front for a plaintext Temporal server, as a cluster's load balancer or Temporal
 * Cloud would be: it speaks TLS (ALPN h2, which gRPC needs), optionally demands a client certificate
 * signed by `clientCaFile` (mTLS), and pipes the decrypted bytes to `target`. gRPC passes through
 * untouched; a handshake it refuses never reaches the server.
 */
export async function startTlsProxy(opts: { target: string; certFile: string; keyFile: string; clientCaFile?: string }): Promise<TlsProxy> {
  const [targetHost, targetPort] = splitAddress(opts.target);
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      cert: readFileSync(opts.certFile),
      key: readFileSync(opts.keyFile),
      ALPNProtocols: ['h2'],
      ...(opts.clientCaFile && { ca: readFileSync(opts.clientCaFile), requestCert: true, rejectUnauthorized: true }),
    },
    (client) => {
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // Either side going away ends the other: a reset connection is what the SDK should see.
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
  );
  // Refused handshakes (the tests' wrong CA, missing client certificate) are expected.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
