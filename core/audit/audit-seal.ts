import { stringify } from 'safe-stable-stringify';
import { chainHash } from './audit-chain';

/**
 * A daily seal per store: the head (last row) of every checkout of the store touched that UTC day,
 * as of the day's end, sorted by checkout id, hashed and chained to the store's previous seal.
 * Deleting or rewriting a checkout's last row (which no later link would expose) breaks its seal.
 * Days are UTC: stores carry no time zone here, and a UTC day is the same for every reader.
 */
export interface CheckoutHead {
  checkoutId: string;
  eventId: string;
  rowHash: string;
}

export interface SealContent {
  merchant: string;
  store: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  heads: CheckoutHead[];
}

export function sealHash(prevSealHash: string, content: SealContent): string {
  const heads = [...content.heads].sort((a, b) => (a.checkoutId < b.checkoutId ? -1 : a.checkoutId > b.checkoutId ? 1 : 0));
  return chainHash(prevSealHash, stringify({ ...content, heads }) as string);
}

/** [start, end) of a UTC day. */
export function utcDayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00.000Z`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}
