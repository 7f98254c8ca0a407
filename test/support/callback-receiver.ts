import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  json: { eventId: string; type: string; checkoutId: string; state: string; occurredAt: string; view: Record<string, unknown> };
}

/**
 * A merchant's callback endpoint on a real port: it records every POST, answers what `answer`
 * says (default 204), and keeps the events it processed by event id, as a receiver that dedups would.
 */
export interface CallbackReceiver {
  url: string;
  received: ReceivedCallback[];
  /** Event ids processed once each, however often they came. */
  processed: Set<string>;
  answer: (call: ReceivedCallback) => number;
  close(): Promise<void>;
}

export async function startCallbackReceiver(port = 0): Promise<CallbackReceiver> {
  const receiver = { received: [], processed: new Set<string>(), answer: () => 204 } as unknown as CallbackReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const call: ReceivedCallback = { headers: req.headers, body, json: JSON.parse(body) as ReceivedCallback['json'] };
      receiver.received.push(call);
      receiver.processed.add(call.json.eventId);
      res.statusCode = receiver.answer(call);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/checkout-ended`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** The receiver's check, written from README "Callbacks" and nothing else: HMAC-SHA256(secret, t + "." + body), hex. */
export function signatureIsValid(secret: string, call: ReceivedCallback): boolean {
  const header = String(call.headers['checkout-saga-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  if (parts.t !== call.headers['checkout-saga-timestamp']) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${call.body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
