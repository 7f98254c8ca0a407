import type { DataSource } from 'typeorm';
import { CIRCUIT_REPORT_EVERY_MS, circuitOverrides, reportCircuits } from '../../core/vendor-circuits/vendor-circuits.store';
import type { CircuitLog, VendorCircuits } from './vendor-circuits';

/**
 * Keeps a worker's breakers and Postgres in step: every `intervalMs` it reads ops' overrides and
 * applies them, and it reports the breakers' states on each change (at once) and every
 * CIRCUIT_REPORT_EVERY_MS. Postgres being down changes nothing for the breakers (they work on their
 * own); the sync says so once and catches up when Postgres answers again. The timer never keeps the
 * process alive, and it stops by itself, the breakers with it, once its DataSource is destroyed (the worker shut down).
 */
export class VendorCircuitSync {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = true;
  private lastReportAt = 0;
  private failing = false;

  constructor(
    private readonly circuits: VendorCircuits,
    private readonly db: DataSource,
    private readonly worker: string,
    private readonly intervalMs: number,
    private readonly log: CircuitLog,
  ) {}

  start(): void {
    this.circuits.onChange = () => {
      this.dirty = true;
      void this.tick();
    };
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.circuits.onChange = () => undefined;
  }

  /** One round: overrides in, states out. Never throws. */
  async tick(): Promise<void> {
    if (this.running) return;
    if (!this.db.isInitialized) {
      // The worker shut down (its DataSource goes last): its breakers go too. Each keeps a rolling
      // window's timer that nothing else clears, and in one process (Jest runs every file in one) a
      // timer keeps whatever its closures reach alive: every worker's modules, file after file.
      this.circuits.shutdown();
      return this.stop();
    }
    this.running = true;
    try {
      this.circuits.applyOverrides(await circuitOverrides(this.db));
      if (this.dirty || Date.now() - this.lastReportAt >= CIRCUIT_REPORT_EVERY_MS) {
        // Cleared before the write: a transition during it marks the next round dirty again.
        this.dirty = false;
        await reportCircuits(this.db, this.worker, this.circuits.all().map((c) => c.snapshot()));
        this.lastReportAt = Date.now();
      }
      if (this.failing) this.log.info('vendor circuits: in step with Postgres again', { worker: this.worker });
      this.failing = false;
    } catch (err) {
      this.dirty = true;
      if (!this.failing && this.db.isInitialized) {
        this.log.warn('vendor circuits: cannot read overrides or report states (the breakers keep working on their own)', {
          worker: this.worker,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      this.failing = true;
    } finally {
      this.running = false;
    }
  }
}
