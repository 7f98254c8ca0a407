import { createServer, type Server } from 'node:http';
import { parseRetryAfter, VendorHttp } from '../../activities/vendors/vendor-http';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('VendorHttp transport failures', () => {
  const details = (err: unknown) => (err as { details?: unknown[] }).details?.[0];

  it('marks a refused connection as never sent (the vendor cannot have applied it)', async () => {
    const err = await new VendorHttp('cmc', 1000).send({ operation: 'pos.transaction', method: 'POST', url: 'http://127.0.0.1:9/x', body: {} }).catch((e: unknown) => e);
    expect(details(err)).toMatchObject({ code: 'NETWORK', notSent: true });
  });

  it('does not mark a timeout after the request was written: its outcome is unknown', async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
      const err = await new VendorHttp('cmc', 200).send({ operation: 'pos.transaction', method: 'POST', url, body: {} }).catch((e: unknown) => e);
      expect(details(err)).toEqual({ code: 'NETWORK' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
