import { Injectable } from '@nestjs/common';
import { stringify } from 'safe-stable-stringify';
import { invalidFields } from '../common/problem';
import { CHAIN_GENESIS } from '../../core/audit/audit-chain';
import { AuditEventsRepository, type StoredAuditRow } from '../../core/audit/audit-events.repository';
import { AuditChainKeys } from '../../core/audit/audit-keys';
import { utcDayBounds, type CheckoutHead } from '../../core/audit/audit-seal';
import { AuditSealsRepository, type StoredSeal } from '../../core/audit/audit-seals.repository';
import { ExternalSealStore, type ExternalSealLine } from '../../core/audit/external-seal-store';
import { HeadCheckpointStore } from '../../core/audit/head-checkpoint-store';
import { verifyCheckpoints } from './audit-checkpoint-verify';
import type { AuditBreakDto, AuditVerifyQueryDto, AuditVerifyResultDto } from './dto/audit-verify.dto';

const MAX_DAYS = 92;
/** Checkouts whose rows are read per query: bounded memory, few round trips. */
const CHECKOUTS_PER_READ = 200;

/**
 * GET /v1/audit/verify: recomputes the keyed hash chain of every checkout with a row in the range
 * (the whole chain, so a link into the range is checked too), every seal of the range, and holds
 * every seal against its copy outside Postgres (ExternalSealStore), and that copy's recorded heads
 * against the checkouts' current heads, and every head a checkpoint recorded outside Postgres against
 * the row it names (audit-checkpoint-verify.ts). It reports the first break: the lowest event id whose
 * link or content does not verify, else the earliest seal, else the earliest external seal, else the
 * earliest checkpointed head. Read-only: it
 * takes no lock, so it never slows the write path.
 */
@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly seals: AuditSealsRepository,
    private readonly keys: AuditChainKeys,
    private readonly external: ExternalSealStore,
    private readonly checkpoints: HeadCheckpointStore,
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
    const heads = new HeadsOfDays(this.events, this.seals, merchant);
    const sealed = await this.seals.sealsBetween(merchant, query.from, query.to, query.store);
    const seals = await this.verifySeals(merchant, sealed, query.from, heads, query.store);
    const external = await this.verifyExternal(merchant, sealed, query.from, query.to, heads, query.store);
    const checkpoints = await verifyCheckpoints(merchant, { ...range, checkouts: chains.ids }, { events: this.events, checkpoints: this.checkpoints }, query.store);
    const firstBreak = chains.firstBreak ?? seals.firstBreak ?? external.firstBreak ?? checkpoints.firstBreak;
    return {
      ok: firstBreak === null,
      checkedRows: chains.rows,
      checkedCheckouts: chains.checkouts,
      checkedSeals: sealed.length,
      firstBreak,
      legacyRows: chains.legacy,
      legacySeals: seals.legacy,
      checkedExternalSeals: external.count,
      unreadableExternalSealLines: external.unreadable,
      checkedCheckpointHeads: checkpoints.heads,
      unreadableCheckpointLines: checkpoints.unreadable,
    };
  }

  /** From the start of `from` to the end of `to` in the store's zone (its `stores` row's, else UTC). */
  private async storeDays(merchant: string, store: string, from: string, to: string): Promise<{ start: Date; end: Date }> {
    const zone = await this.seals.storeTimeZone(merchant, store);
    return { start: (await this.seals.dayBounds(from, zone)).start, end: (await this.seals.dayBounds(to, zone)).end };
  }

  private async verifyChains(merchant: string, start: Date, end: Date, store?: string) {
    const ids = await this.events.checkoutIdsRecordedBetween(merchant, start, end, store);
    let rows = 0;
    let legacy = 0;
    let firstBreak: AuditBreakDto | null = null;
    for (let i = 0; i < ids.length; i += CHECKOUTS_PER_READ) {
      const chunk = await this.events.chainsOf(merchant, ids.slice(i, i + CHECKOUTS_PER_READ));
      rows += chunk.length;
      legacy += chunk.filter((r) => r.key_id === null).length;
      for (const found of chainBreaks(chunk, this.keys)) if (!firstBreak || BigInt(found.eventId as string) < BigInt(firstBreak.eventId as string)) firstBreak = found;
    }
    return { rows, checkouts: ids.length, ids: new Set(ids), legacy, firstBreak };
  }

  private async verifySeals(merchant: string, seals: StoredSeal[], from: string, heads: HeadsOfDays, store?: string) {
    const lastSeal = await this.seals.lastSealHashesBefore(merchant, from, store);
    const legacy = seals.filter((s) => s.key_id === null).length;
    for (const seal of seals) {
      const found = sealBreak(merchant, seal, lastSeal.get(seal.store) ?? CHAIN_GENESIS, await heads.of(seal.store, seal.day, seal.time_zone), this.keys);
      if (found) return { legacy, firstBreak: found };
      lastSeal.set(seal.store, seal.seal_hash);
    }
    return { legacy, firstBreak: null };
  }

  /**
   * Each external line against the Postgres seal of its store-day (missing, or another hash) and its
   * recorded heads against the checkouts' heads now (a deleted or rewritten newest row moves a head
   * even when the Postgres seal was rewritten to match); each keyed Postgres seal must have a line.
   */
  private async verifyExternal(merchant: string, seals: StoredSeal[], from: string, to: string, heads: HeadsOfDays, store?: string) {
    const { lines, unreadable } = await this.external.read(merchant, from, to, store);
    const byDay = new Map<string, ExternalSealLine>();
    const breaks: AuditBreakDto[] = [];
    for (const line of lines) {
      const key = `${line.store}|${line.day}`;
      const seen = byDay.get(key);
      if (seen === undefined) byDay.set(key, line);
      else if (stringify(seen) !== stringify(line)) {
        breaks.push({ ...sealAt(line), expected: seen.sealHash, actual: line.sealHash, reason: 'external_seal_conflict', detail: `two different lines for ${line.store} ${line.day} in ${this.external.location}` });
      }
    }
    const inPostgres = new Map(seals.map((s) => [`${s.store}|${s.day}`, s]));
    for (const line of byDay.values()) {
      const seal = inPostgres.get(`${line.store}|${line.day}`);
      const found = externalBreak(line, seal, await heads.of(line.store, line.day, line.timeZone));
      if (found) breaks.push(found);
    }
    for (const seal of seals) {
      if (seal.key_id === null || byDay.has(`${seal.store}|${seal.day}`)) continue;
      breaks.push({
        checkoutId: `seal:${seal.store}`, eventId: null, recordedAt: seal.day, expected: seal.seal_hash, actual: 'none', reason: 'external_seal_missing',
        detail: `no line for this seal in ${this.external.location}`,
      });
    }
    breaks.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
    return { count: byDay.size, unreadable, firstBreak: breaks[0] ?? null };
  }
}

/** The heads of a store-day as of its end, read once per verify (the seal and its external line both need them). */
class HeadsOfDays {
  private readonly cache = new Map<string, Promise<CheckoutHead[]>>();

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly seals: AuditSealsRepository,
    private readonly merchant: string,
  ) {}

  /** Each seal's own day: in the zone it was sealed in, UTC for seals from before stores had zones. */
  of(store: string, day: string, timeZone: string | null): Promise<CheckoutHead[]> {
    const key = `${store}|${day}|${timeZone ?? 'UTC'}`;
    let heads = this.cache.get(key);
    if (!heads) {
      heads = this.seals.dayBounds(day, timeZone ?? 'UTC').then((bounds) => this.events.checkoutHeads(this.merchant, store, bounds));
      this.cache.set(key, heads);
    }
    return heads;
  }
}

/**
 * The first break of each checkout's chain in rows ordered by checkout, then id. A keyed row
 * (key_id set) is recomputed with its key; a legacy row (no key id, written before keys) with plain
 * SHA-256; a legacy row after a keyed one in the same chain is a break (a downgrade: keys never go away).
 */
export function chainBreaks(rows: StoredAuditRow[], keys: AuditChainKeys): AuditBreakDto[] {
  const breaks: AuditBreakDto[] = [];
  let checkout: string | undefined;
  let prev = CHAIN_GENESIS;
  let broken = false;
  let keyed = false;
  for (const row of rows) {
    if (row.checkout_id !== checkout) [checkout, prev, broken, keyed] = [row.checkout_id, CHAIN_GENESIS, false, false];
    if (broken) continue;
    const at = { checkoutId: row.checkout_id, eventId: String(row.id), recordedAt: new Date(row.recorded_at).toISOString() };
    const keyId = row.key_id ?? null;
    if (row.prev_hash !== prev) breaks.push({ ...at, expected: prev, actual: row.prev_hash, reason: 'prev_hash_mismatch' });
    else if (keyId !== null && !keys.has(keyId)) breaks.push({ ...at, ...unknownKey(keyId, keys) });
    else if (keyId === null && keyed) {
      breaks.push({ ...at, expected: 'a key id', actual: 'none', reason: 'legacy_after_keyed', detail: 'an unkeyed (legacy) row after a keyed one in the same chain' });
    } else {
      const recomputed = keys.rowHash(keyId, row.prev_hash, row);
      if (recomputed !== row.row_hash) breaks.push({ ...at, expected: recomputed, actual: row.row_hash, reason: 'row_hash_mismatch' });
    }
    keyed ||= keyId !== null;
    broken = breaks.length > 0 && breaks[breaks.length - 1].checkoutId === row.checkout_id;
    prev = row.row_hash;
  }
  return breaks;
}

function unknownKey(keyId: string, keys: AuditChainKeys): Pick<AuditBreakDto, 'expected' | 'actual' | 'reason' | 'detail'> {
  return {
    expected: `one of ${keys.knownIds.join(', ')}`,
    actual: keyId,
    reason: 'unknown_key_id',
    detail: `hashed with key id "${keyId}", which is neither AUDIT_CHAIN_KEY_ID nor in AUDIT_CHAIN_OLD_KEYS`,
  };
}

function sealBreak(merchant: string, seal: StoredSeal, expectedPrev: string, heads: CheckoutHead[], keys: AuditChainKeys): AuditBreakDto | null {
  const at = { checkoutId: `seal:${seal.store}`, eventId: null, recordedAt: seal.day };
  if (seal.prev_seal_hash !== expectedPrev) return { ...at, expected: expectedPrev, actual: seal.prev_seal_hash, reason: 'seal_chain_break' };
  const keyId = seal.key_id ?? null;
  if (keyId !== null && !keys.has(keyId)) return { ...at, ...unknownKey(keyId, keys) };
  const content = { merchant, store: seal.store, day: seal.day, ...(seal.time_zone !== null && { timeZone: seal.time_zone }) };
  const storedContent = keys.sealHash(keyId, seal.prev_seal_hash, { ...content, heads: seal.checkout_heads });
  if (storedContent !== seal.seal_hash) return { ...at, expected: storedContent, actual: seal.seal_hash, reason: 'seal_hash_mismatch' };
  const recomputed = keys.sealHash(keyId, seal.prev_seal_hash, { ...content, heads });
  if (recomputed === seal.seal_hash) return null;
  const moved = movedHead(seal.checkout_heads, heads);
  return { ...at, checkoutId: moved?.checkoutId ?? at.checkoutId, eventId: moved?.eventId ?? null, expected: recomputed, actual: seal.seal_hash, reason: 'seal_heads_mismatch' };
}

/** An external line against the Postgres seal of its store-day and the current heads of that day. */
function externalBreak(line: ExternalSealLine, seal: StoredSeal | undefined, heads: CheckoutHead[]): AuditBreakDto | null {
  const at = sealAt(line);
  const recorded = new Map(line.heads.map((h) => [h.checkoutId, stringify(h)]));
  const now = new Map(heads.map((h) => [h.checkoutId, stringify(h)]));
  const same = recorded.size === now.size && [...recorded].every(([id, h]) => now.get(id) === h);
  if (!same) {
    // Name the checkout whose head moved since the seal (its newest rows deleted or rewritten).
    const moved = movedHead(line.heads, heads);
    const current = moved ? heads.find((h) => h.checkoutId === moved.checkoutId) : undefined;
    return {
      ...at, checkoutId: moved?.checkoutId ?? at.checkoutId, eventId: moved?.eventId ?? null,
      expected: moved?.rowHash ?? line.sealHash, actual: current?.rowHash ?? 'none', reason: 'external_heads_mismatch',
      detail: current ? `the head recorded outside is event ${moved?.eventId}; the chain now ends at event ${current.eventId}` : 'the head recorded outside is gone',
    };
  }
  if (!seal) return { ...at, expected: line.sealHash, actual: 'none', reason: 'seal_missing', detail: 'sealed outside Postgres, but audit_seals has no seal of this day' };
  if (seal.seal_hash !== line.sealHash || seal.prev_seal_hash !== line.prevSealHash || (seal.key_id ?? null) !== line.keyId) {
    return { ...at, expected: line.sealHash, actual: seal.seal_hash, reason: 'external_seal_mismatch', detail: 'audit_seals differs from the seal written outside Postgres' };
  }
  return null;
}

function sealAt(line: ExternalSealLine): Pick<AuditBreakDto, 'checkoutId' | 'eventId' | 'recordedAt'> {
  return { checkoutId: `seal:${line.store}`, eventId: null, recordedAt: line.day };
}

/** The first recorded head that is not a head now (changed or gone), else a head now that was not recorded. */
function movedHead(recorded: CheckoutHead[], now: CheckoutHead[]): CheckoutHead | undefined {
  const current = new Map(now.map((h) => [h.checkoutId, stringify(h)]));
  return recorded.find((h) => current.get(h.checkoutId) !== stringify(h)) ?? now.find((h) => !recorded.some((s) => s.checkoutId === h.checkoutId));
}
