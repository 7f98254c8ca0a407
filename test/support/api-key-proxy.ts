import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, constants, createSecureServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';

export interface ApiKeyProxy {
  /** host:port for TEMPORAL_ADDRESS. */
  address: string;
  /** gRPC calls that carried `authorization: Bearer <apiKey>` and went through / that did not and were refused. */
  counts: { accepted: number; refused: number };
  close(): Promise<void>;
}

/**
 * Temporal Cloud's API-key check in front of a plaintext Temporal server: a TLS HTTP/2 server that
 * answers each gRPC call without `authorization: Bearer <apiKey>` with UNAUTHENTICATED, as the Cloud
 * does, and forwards the others, stream by stream, headers, body and trailers, to `target`.
 */
export async function startApiKeyProxy(opts: { target: string; certFile: string; keyFile: string; apiKey: string }): Promise<ApiKeyProxy> {
  const upstream = connect(`http://${opts.target}`);
  upstream.on('error', () => undefined);
  const counts = { accepted: 0, refused: 0 };
  const server = createSecureServer({ cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) });
  server.on('stream', (stream, headers) => {
    if (headers.authorization !== `Bearer ${opts.apiKey}`) {
      counts.refused += 1;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized: no valid API key' }, { endStream: true });
      return;
    }
    counts.accepted += 1;
    forward(stream, headers);
  });
  server.on('sessionError', () => undefined);
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });

  function forward(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    // The upstream session puts its own :scheme and :authority.
    const call = upstream.request(Object.fromEntries(Object.entries(headers).filter(([name]) => name !== ':scheme' && name !== ':authority')));
    let trailers: IncomingHttpHeaders = {};
    call.on('response', (answer, flags) => {
      // A trailers-only answer (an error status) ends in its headers; the others end with trailers.
      if (flags & constants.NGHTTP2_FLAG_END_STREAM) return stream.respond(answer, { endStream: true });
      stream.respond(answer, { waitForTrailers: true });
      call.pipe(stream);
    });
    call.on('trailers', (received) => (trailers = received));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(call);
    call.on('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => call.close(constants.NGHTTP2_CANCEL));
    stream.on('close', () => call.close(constants.NGHTTP2_CANCEL));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.destroy();
        server.close(() => resolve());
        // Open client sessions (an SDK connection still up) would keep close() waiting.
        for (const session of sessions) session.destroy();
      }),
  };
}
