import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProblemException } from '../common/problem';
import { decideAdmission, type ShedReason } from './admission-decision';
import { registerAdmissionMetrics, type AdmissionCounters, type AdmissionKind } from './admission-metrics';
import { overloadedProblem } from './overloaded.problem';
import { ShedLog } from './shed-log';
import { TaskQueueWatch } from './task-queue-watch';
import { ThroughputLimit } from './throughput-limit';

/** Over how long the engine's throughput is measured: long enough to smooth, short enough to follow a slowdown. */
const THROUGHPUT_WINDOW_MS = 2_000;

/** An admitted request: released once, when its answer leaves. */
export interface AdmissionTicket {
  release(answered: boolean): void;
}

const NOTHING_TO_RELEASE: AdmissionTicket = { release: () => undefined };

/**
 * Admission control of the work that starts checkouts (README, Load shedding): decides, before any
 * Temporal call or database write, whether the engine can answer within the till's budget, from what
 * is measured (this process's in-flight checkouts and their throughput, the task queue's backlog and
 * pollers read in the background). A refusal is a 503 problem+json with Retry-After, counted and
 * logged at most once a second.
 */
@Injectable()
export class CheckoutAdmission implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CheckoutAdmission.name);
  private readonly limit: ThroughputLimit;
  private readonly watch: TaskQueueWatch;
  private readonly counters: AdmissionCounters;
  private readonly shedLog = new ShedLog((line) => this.logger.warn(line));
  private readonly enabled: boolean;
  private readonly budgetShare: number;
  private shedLogTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(Client) client: Client, @Inject(Registry) registry: Registry) {
    this.enabled = config.LOAD_SHEDDING === 'on';
    this.budgetShare = config.LOAD_SHEDDING_BUDGET_SHARE;
    this.limit = new ThroughputLimit({
      minInFlight: config.LOAD_SHEDDING_MIN_IN_FLIGHT,
      maxInFlight: config.LOAD_SHEDDING_MAX_IN_FLIGHT,
      budgetShare: config.LOAD_SHEDDING_BUDGET_SHARE,
      windowMs: THROUGHPUT_WINDOW_MS,
    });
    let lastError = '';
    this.watch = new TaskQueueWatch(
      client,
      { namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, intervalMs: config.LOAD_SHEDDING_POLL_MS },
      // Temporal unreachable shows in every request's own 503; here a line when the reason changes, not every read.
      (err) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastError) this.logger.warn(`cannot describe task queue ${config.TEMPORAL_TASK_QUEUE} for load shedding: ${message}`);
        lastError = message;
      },
    );
    this.counters = registerAdmissionMetrics(registry, {
      limit: this.limit,
      queue: () => this.watch.latest(),
      defaultBudgetsMs: { reserve: config.TILL_BUDGET_RESERVE_MS, oneShot: config.TILL_BUDGET_ONE_SHOT_MS },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.watch.start();
    // At most one line a second, whatever the rate of refusals.
    this.shedLogTimer = setInterval(() => this.shedLog.flush(), 1000).unref();
  }

  /** Before any module's shutdown: the Temporal connection closes in TemporalModule's, after the watch's last read ended. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.watch.stop();
    clearInterval(this.shedLogTimer);
    this.shedLog.flush();
  }

  /**
   * Admits a request that would start checkout work, or throws the 503. A batch upload is checked
   * against the reserve budget (a till's sale must not wait behind it) and is not itself in flight:
   * its sagas run in the background, where the backlog sees them.
   */
  async admit(kind: AdmissionKind, budgetMs: number): Promise<AdmissionTicket> {
    if (!this.enabled) return NOTHING_TO_RELEASE;
    const decide = () =>
      decideAdmission({
        budgetMs,
        budgetShare: this.budgetShare,
        inFlight: this.limit.inFlight,
        limit: this.limit.limitFor(budgetMs),
        queue: this.watch.latest(),
        now: Date.now(),
      });
    let decision = decide();
    // "No worker" may be news of up to LOAD_SHEDDING_POLL_MS ago, and a worker that has just started
    // polling must get its first checkouts: read again before refusing (one shared read, and only
    // while no worker is seen, never on the overload paths).
    if (!decision.admit && decision.reason === 'no-worker') {
      await this.watch.refresh();
      decision = decide();
    }
    if (!decision.admit) {
      this.shed(kind, decision.reason);
      throw new ProblemException(overloadedProblem(decision.detail, decision.retryAfterSeconds));
    }
    this.counters.admitted(kind);
    if (kind === 'batch') return NOTHING_TO_RELEASE;
    this.limit.acquire();
    let released = false;
    return {
      release: (answered) => {
        if (released) return;
        released = true;
        this.limit.release(answered);
      },
    };
  }

  /** A refusal decided elsewhere (Temporal's own rate limit), counted and logged as the others. */
  shed(kind: AdmissionKind, reason: ShedReason): void {
    this.counters.shed(kind, reason);
    this.shedLog.record(reason);
  }
}
