import { Injectable } from '@nestjs/common';
import { stringify } from 'safe-stable-stringify';
import { invalidFields } from '../common/problem';
import { auditRowHash, CHAIN_GENESIS } from '../../core/audit/audit-chain';
import { AuditEventsRepository, type StoredAuditRow } from '../../core/audit/audit-events.repository';
import { sealHash, utcDayBounds, type CheckoutHead } from '../../core/audit/audit-seal';
import { AuditSealsRepository, type StoredSeal } from '../../core/audit/audit-seals.repository';
import type { AuditBreakDto, AuditVerifyQueryDto, AuditVerifyResultDto } from './dto/audit-verify.dto';

const MAX_DAYS = 92;
/** Checkouts whose rows are read per query: bounded memory, few round trips. */
const CHECKOUTS_PER_READ = 200;

/**
 * GET /v1/audit/verify: recomputes the hash chain of every checkout with a row in the range (the
 * whole chain, so a link into the range is checked too) and every seal of the range, and reports
 * the first break: the lowest event id whose link or content does not verify, else the earliest seal.
 * Read-only: it takes no lock, so it never slows the write path.
 */
@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly seals: AuditSealsRepository,
  ) {}

  async verify(merchant: string, query: AuditVerifyQueryDto): Promise<AuditVerifyResultDto> {
    const start = utcDayBounds(query.from).start;
    const end = utcDayBounds(query.to).end;
    if (Number.isNaN(start.getTime())) throw invalidFields([{ field: 'from', message: 'must be a calendar day' }]);
    if (Number.isNaN(end.getTime())) throw invalidFields([{ field: 'to', message: 'must be a calendar day' }]);
    if (end <= start) throw invalidFields([{ field: 'to', message: 'must not be before from' }]);
    if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000) throw invalidFields([{ field: 'to', message: `must be at most ${MAX_DAYS} days after from` }]);

    // One store: its days, in its zone (the seals' and the reconciliation's days); all stores: UTC days.
    const range = query.store ? await this.storeDays(merchant, query.store, query.from, query.to) : { start, end };
    const chains = await this.verifyChains(merchant, range.start, range.end, query.store);
    const seals = await this.verifySeals(merchant, query.from, query.to, query.store);
    const firstBreak = chains.firstBreak ?? seals.firstBreak;
    return { ok: firstBreak === null, checkedRows: chains.rows, checkedCheckouts: chains.checkouts, checkedSeals: seals.count, firstBreak };
  }

  /** From the start of `from` to the end of `to` in the store's zone (its `stores` row's, else UTC). */
  private async storeDays(merchant: string, store: string, from: string, to: string): Promise<{ start: Date; end: Date }> {
    const zone = await this.seals.storeTimeZone(merchant, store);
    return { start: (await this.seals.dayBounds(from, zone)).start, end: (await this.seals.dayBounds(to, zone)).end };
  }

  private async verifyChains(merchant: string, start: Date, end: Date, store?: string) {
    const ids = await this.events.checkoutIdsRecordedBetween(merchant, start, end, store);
    let rows = 0;
    let firstBreak: AuditBreakDto | null = null;
    for (let i = 0; i < ids.length; i += CHECKOUTS_PER_READ) {
      const chunk = await this.events.chainsOf(merchant, ids.slice(i, i + CHECKOUTS_PER_READ));
      rows += chunk.length;
      for (const found of chainBreaks(chunk)) if (!firstBreak || BigInt(found.eventId as string) < BigInt(firstBreak.eventId as string)) firstBreak = found;
    }
    return { rows, checkouts: ids.length, firstBreak };
  }

  private async verifySeals(merchant: string, from: string, to: string, store?: string) {
    const seals = await this.seals.sealsBetween(merchant, from, to, store);
    const lastSeal = await this.seals.lastSealHashesBefore(merchant, from, store);
    for (const seal of seals) {
      // Each seal's own day: in the zone it was sealed in, UTC for seals from before stores had zones.
      const heads = await this.events.checkoutHeads(merchant, seal.store, await this.seals.dayBounds(seal.day, seal.time_zone ?? 'UTC'));
      const found = sealBreak(merchant, seal, lastSeal.get(seal.store) ?? CHAIN_GENESIS, heads);
      if (found) return { count: seals.length, firstBreak: found };
      lastSeal.set(seal.store, seal.seal_hash);
    }
    return { count: seals.length, firstBreak: null };
  }
}

/** The first break of each checkout's chain in rows ordered by checkout, then id. */
export function chainBreaks(rows: StoredAuditRow[]): AuditBreakDto[] {
  const breaks: AuditBreakDto[] = [];
  let checkout: string | undefined;
  let prev = CHAIN_GENESIS;
  let broken = false;
  for (const row of rows) {
    if (row.checkout_id !== checkout) [checkout, prev, broken] = [row.checkout_id, CHAIN_GENESIS, false];
    if (broken) continue;
    const at = { checkoutId: row.checkout_id, eventId: String(row.id), recordedAt: new Date(row.recorded_at).toISOString() };
    const recomputed = auditRowHash(row.prev_hash, row);
    if (row.prev_hash !== prev) breaks.push({ ...at, expected: prev, actual: row.prev_hash, reason: 'prev_hash_mismatch' });
    else if (recomputed !== row.row_hash) breaks.push({ ...at, expected: recomputed, actual: row.row_hash, reason: 'row_hash_mismatch' });
    broken = breaks.length > 0 && breaks[breaks.length - 1].checkoutId === row.checkout_id;
    prev = row.row_hash;
  }
  return breaks;
}

function sealBreak(merchant: string, seal: StoredSeal, expectedPrev: string, heads: CheckoutHead[]): AuditBreakDto | null {
  const at = { checkoutId: `seal:${seal.store}`, eventId: null, recordedAt: seal.day };
  if (seal.prev_seal_hash !== expectedPrev) return { ...at, expected: expectedPrev, actual: seal.prev_seal_hash, reason: 'seal_chain_break' };
  const content = { merchant, store: seal.store, day: seal.day, ...(seal.time_zone !== null && { timeZone: seal.time_zone }) };
  const storedContent = sealHash(seal.prev_seal_hash, { ...content, heads: seal.checkout_heads });
  if (storedContent !== seal.seal_hash) return { ...at, expected: storedContent, actual: seal.seal_hash, reason: 'seal_hash_mismatch' };
  const recomputed = sealHash(seal.prev_seal_hash, { ...content, heads });
  if (recomputed === seal.seal_hash) return null;
  // Name the checkout whose head moved (its last row was changed or deleted after the seal).
  const now = new Map(heads.map((h) => [h.checkoutId, stringify(h)]));
  const moved = seal.checkout_heads.find((h) => now.get(h.checkoutId) !== stringify(h)) ?? heads.find((h) => !seal.checkout_heads.some((s) => s.checkoutId === h.checkoutId));
  return { ...at, checkoutId: moved?.checkoutId ?? at.checkoutId, eventId: moved?.eventId ?? null, expected: recomputed, actual: seal.seal_hash, reason: 'seal_heads_mismatch' };
}
