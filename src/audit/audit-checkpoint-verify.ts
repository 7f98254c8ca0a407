import type { AuditEventsRepository } from '../../core/audit/audit-events.repository';
import type { HeadCheckpointRead, HeadCheckpointStore, StoreHead } from '../../core/audit/head-checkpoint-store';
import type { AuditBreakDto } from './dto/audit-verify.dto';

/** Row ids looked up per query. */
const IDS_PER_READ = 10_000;
/** Checkpoints taken up to a day after the range still record heads of its checkouts. */
const AFTER_RANGE_MS = 86_400_000;

export interface CheckpointVerification {
  /** Distinct heads recorded outside Postgres in the range's checkpoints, each looked up. */
  heads: number;
  unreadable: number;
  firstBreak: AuditBreakDto | null;
}

/**
 * Every head a checkpoint recorded outside Postgres (taken from the range's start to a day after its
 * end; of one store, or all), and every head the merchant's first checkpoint recorded of a checkout
 * the range verifies (its legacy chains, whatever day that was), must still be a row of the trail with
 * the same row hash: a checkout's newest rows deleted, or its chain recomputed (as legacy rows or under
 * a key of the superuser's own), after a checkpoint are reported here even on a day not sealed yet.
 * The earliest such head is the break.
 */
export async function verifyCheckpoints(
  merchant: string,
  range: { start: Date; end: Date; checkouts: ReadonlySet<string> },
  deps: { events: AuditEventsRepository; checkpoints: HeadCheckpointStore },
  store?: string,
): Promise<CheckpointVerification> {
  const inRange = await deps.checkpoints.read(merchant, range.start, new Date(range.end.getTime() + AFTER_RANGE_MS));
  const first = await deps.checkpoints.readFirst(merchant, (h) => range.checkouts.has(h.checkoutId));
  // Torn lines are counted in the range's files (the first checkpoint's file is counted when its day is in the range).
  const read = { lines: [...inRange.lines, ...first.lines], unreadable: inRange.unreadable };
  const recorded = recordedHeads(read, store);
  const ids = [...recorded.keys()];
  let firstBreak: AuditBreakDto | null = null;
  for (let i = 0; i < ids.length; i += IDS_PER_READ) {
    const now = await deps.events.rowHashesOf(merchant, ids.slice(i, i + IDS_PER_READ));
    for (const id of ids.slice(i, i + IDS_PER_READ)) {
      const found = headBreak(recorded.get(id) as RecordedHead, now.get(id));
      if (found && (!firstBreak || found.recordedAt < firstBreak.recordedAt)) firstBreak = found;
    }
  }
  return { heads: ids.length, unreadable: read.unreadable, firstBreak };
}

type RecordedHead = StoreHead & { at: string };

/** Each recorded head once (by event id, its earliest checkpoint), of the store when given. */
function recordedHeads(read: HeadCheckpointRead, store?: string): Map<string, RecordedHead> {
  const heads = new Map<string, RecordedHead>();
  for (const line of read.lines) {
    for (const head of line.heads) {
      if (store !== undefined && head.store !== store) continue;
      const seen = heads.get(head.eventId);
      if (!seen || line.at < seen.at) heads.set(head.eventId, { ...head, at: line.at });
    }
  }
  return heads;
}

/** A recorded head against the row with its id now: gone, or another checkout or hash. */
export function headBreak(head: RecordedHead, now: { checkoutId: string; rowHash: string } | undefined): AuditBreakDto | null {
  if (now && now.checkoutId === head.checkoutId && now.rowHash === head.rowHash) return null;
  const at = { checkoutId: head.checkoutId, eventId: head.eventId, recordedAt: head.at, expected: head.rowHash };
  if (!now) {
    return { ...at, actual: 'none', reason: 'checkpoint_head_missing', detail: `a checkpoint outside Postgres recorded event ${head.eventId} as this checkout's newest row at ${head.at}; the row is gone` };
  }
  return {
    ...at,
    actual: now.rowHash,
    reason: 'checkpoint_head_mismatch',
    detail: `a checkpoint outside Postgres recorded event ${head.eventId} of this checkout at ${head.at} with another hash${now.checkoutId === head.checkoutId ? '' : ` (the row now belongs to ${now.checkoutId})`}`,
  };
}
