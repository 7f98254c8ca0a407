import type { DataSource } from 'typeorm';
import { AuditEventsRepository } from './audit-events.repository';
import type { HeadCheckpointLine, HeadCheckpointStore } from './head-checkpoint-store';

/**
 * How far before the previous checkpoint the next one looks: a row's recorded_at is taken by its
 * writer's clock before its insert commits, so a row committed just after a checkpoint read may carry
 * an earlier time, by the transaction's length plus the skew between hosts' clocks (kept by NTP well
 * under this). A head recorded twice costs a line; one never recorded is a gap.
 */
export const CHECKPOINT_OVERLAP_MS = 300_000;
/** How far ahead of this host's clock a complete checkpoint may be dated (another worker's clock). */
const CLOCK_SKEW_MS = 60_000;
/** Heads per line: a first checkpoint of a large trail is many bounded lines, not one huge one. */
export const HEADS_PER_LINE = 5_000;

/**
 * Head checkpoints: between the nightly seals, the newest row of every checkout that changed is
 * written outside Postgres (HeadCheckpointStore) every AUDIT_CHECKPOINT_INTERVAL_SECONDS, so a
 * database superuser who deletes a checkout's newest rows or recomputes its chain (as legacy rows, or
 * under a key of their own) after a checkpoint is reported by verify the same day. A merchant's first
 * checkpoint records every checkout it has, which puts rows written before keyed chains (legacy rows)
 * under the same check from then on.
 */
export class AuditCheckpointer {
  private readonly events: AuditEventsRepository;

  constructor(
    dataSource: DataSource,
    private readonly store: HeadCheckpointStore,
  ) {
    this.events = new AuditEventsRepository(dataSource);
  }

  /** One checkpoint of the merchant at `now`: its head lines, then the end line that makes it count. */
  async checkpoint(merchant: string, now: Date): Promise<{ heads: number; first: boolean }> {
    const last = await this.store.lastCompleteAt(merchant, new Date(now.getTime() + CLOCK_SKEW_MS));
    const since = last === null ? null : new Date(Date.parse(last) - CHECKPOINT_OVERLAP_MS);
    const at = now.toISOString();
    const common = { merchant, at, since: since?.toISOString() ?? null };
    let heads = 0;
    let after = '';
    for (;;) {
      const page = await this.events.headsChangedSince(merchant, since, after, HEADS_PER_LINE);
      if (page.length) await this.store.append([{ ...common, heads: page }]);
      heads += page.length;
      if (page.length < HEADS_PER_LINE) break;
      after = page[page.length - 1].checkoutId;
    }
    const end: HeadCheckpointLine = { ...common, end: true, headCount: heads };
    await this.store.append([end]);
    return { heads, first: last === null };
  }

  /**
   * Every merchant with audit rows, or only `merchant`. A merchant that fails (its directory not
   * writable, say) does not hold up the others: they are checkpointed, then the run fails naming it.
   */
  async checkpointAll(now: Date, merchant?: string): Promise<{ merchants: number; heads: number; failed: Array<{ merchant: string; error: string }> }> {
    const merchants = merchant ? [merchant] : await this.events.merchants();
    let heads = 0;
    const failed: Array<{ merchant: string; error: string }> = [];
    for (const m of merchants) {
      try {
        heads += (await this.checkpoint(m, now)).heads;
      } catch (error) {
        failed.push({ merchant: m, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { merchants: merchants.length, heads, failed };
  }
}
