import { stringify } from 'safe-stable-stringify';
import { chainHash } from './audit-chain';

/**
 * A daily seal per store: the head (last row) of every checkout of the store touched that day, as of
 * the day's end, sorted by checkout id, hashed and chained to the store's previous seal. Deleting or
 * rewriting a checkout's last row (which no later link would expose) breaks its seal. The day is the
 * store's calendar day in its time zone (the reconciliation report's day), recorded with the seal and
 * hashed with it; seals written before stores had zones cover UTC days and hash no zone.
 */
export interface CheckoutHead {
  checkoutId: string;
  eventId: string;
  rowHash: string;
}

export interface SealContent {
  merchant: string;
  store: string;
  /** YYYY-MM-DD, a calendar day in `timeZone` (UTC for a seal without one). */
  day: string;
  heads: CheckoutHead[];
  /** The zone of the day; absent on seals written before stores had zones (UTC days). */
  timeZone?: string;
}

/** The seal content as hashed: canonical JSON, heads sorted by checkout id. */
export function sealCanonical(content: SealContent): string {
  const heads = [...content.heads].sort((a, b) => (a.checkoutId < b.checkoutId ? -1 : a.checkoutId > b.checkoutId ? 1 : 0));
  return stringify({ ...content, heads }) as string;
}

/** The legacy (unkeyed, plain SHA-256) seal hash; keyed seals: AuditChainKeys.sealHash. */
export function sealHash(prevSealHash: string, content: SealContent): string {
  return chainHash(prevSealHash, sealCanonical(content));
}

/** [start, end) of a UTC day. */
export function utcDayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00.000Z`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}
