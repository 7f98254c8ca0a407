import type { Client } from '@temporalio/client';
import { describeWorkflowTaskQueue } from '../../core/temporal/workflow-task-queue';
import type { TaskQueueSnapshot } from './admission-decision';

/**
 * One read's deadline, its gRPC retries included: under the snapshot's staleness (SNAPSHOT_STALE_MS, 5 s),
 * so a slow Temporal still gives a fresh backlog. The client retries UNAVAILABLE with backoff from a
 * timer of its own; with a deadline the chain of retries ends, and stop() can wait it out before the
 * connection closes (a retry fired into a closed channel throws where nothing can catch it).
 */
const READ_DEADLINE_MS = 4_000;

/**
 * Reads the checkout task queue's backlog and pollers from Temporal (DescribeTaskQueue with
 * reportStats) every `intervalMs`, in the background: a request only reads the last snapshot, so
 * admission costs no call to Temporal. A failed read leaves the old snapshot to go stale.
 */
export class TaskQueueWatch {
  private snapshot: TaskQueueSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** The read under way, shared by every caller of refresh() meanwhile. */
  private reading: Promise<TaskQueueSnapshot | undefined> | undefined;

  constructor(
    private readonly client: Client,
    private readonly queue: { namespace: string; taskQueue: string; intervalMs: number },
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  latest(): TaskQueueSnapshot | undefined {
    return this.snapshot;
  }

  start(): void {
    this.stopped = false;
    void this.poll();
  }

  /** Stops polling and waits for the read under way (bounded by its deadline), so the connection can close after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reading;
  }

  /**
   * A fresh snapshot now, for a decision the last one would make on stale news (a worker that
   * started polling since). Calls meanwhile share one read: however many requests ask, Temporal gets
   * one DescribeTaskQueue at a time.
   */
  refresh(): Promise<TaskQueueSnapshot | undefined> {
    // Requests are still served after stop() (the HTTP server closes later): no read nothing waits for.
    if (this.stopped) return Promise.resolve(this.snapshot);
    this.reading ??= this.read()
      .then((snapshot) => (this.snapshot = snapshot))
      .catch((err: unknown) => {
        this.onError(err);
        return this.snapshot;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async poll(): Promise<void> {
    await this.refresh();
    // One read at a time: the next is scheduled once this one ended, however long it took.
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.queue.intervalMs).unref();
  }

  private async read(): Promise<TaskQueueSnapshot> {
    const state = await this.client.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () =>
      describeWorkflowTaskQueue(this.client.workflowService, { namespace: this.queue.namespace, taskQueue: this.queue.taskQueue, reportStats: true }),
    );
    return { ...state, readAt: Date.now() };
  }
}
