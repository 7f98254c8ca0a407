import { CancellationScope } from '@temporalio/workflow';
import { describeFailure } from './failures';

export interface CompensationOutcome {
  step: string;
  outcome: 'done' | 'failed';
  reason?: string;
}

/**
 * Undo steps, registered *before* the step they undo (its reply may be lost after the effect
 * landed) and run newest first in a scope that a cancellation cannot interrupt. Every undo is
 * idempotent, so running one whose step never happened is harmless. Failures are kept, not
 * swallowed: the saga ends compensation_failed with them.
 */
export class CompensationStack {
  private readonly undos: Array<{ step: string; undo: () => Promise<unknown> }> = [];
  /** Undos that still failed, newest first: an ops retry runs them again. */
  private failed: Array<{ step: string; undo: () => Promise<unknown> }> = [];

  push(step: string, undo: () => Promise<unknown>): void {
    this.undos.push({ step, undo });
  }

  /** Drops an undo once its effect is known not to exist (the vendor refused the step). */
  discard(step: string): void {
    const i = this.undos.findIndex((u) => u.step === step);
    if (i >= 0) this.undos.splice(i, 1);
  }

  /**
   * Takes one undo off the stack and runs it, never cancelled: a step the till's deadline cut short
   * may still land at its vendor, so its effect is undone without waiting for the sale to unwind (a
   * completed sale never unwinds). Already run (the sale unwound meanwhile): nothing to do.
   */
  async runNow(step: string): Promise<CompensationOutcome> {
    const i = this.undos.findIndex((u) => u.step === step);
    if (i < 0) return { step, outcome: 'done' };
    const [entry] = this.undos.splice(i, 1);
    return CancellationScope.nonCancellable(() => this.runOne(entry));
  }

  /** Runs one undo; a failure is kept for an ops retry. */
  private async runOne(entry: { step: string; undo: () => Promise<unknown> }): Promise<CompensationOutcome> {
    try {
      await entry.undo();
      return { step: entry.step, outcome: 'done' };
    } catch (err) {
      this.failed.push(entry);
      return { step: entry.step, outcome: 'failed', reason: describeFailure(err) };
    }
  }

  get size(): number {
    return this.undos.length;
  }

  /** Puts the undos that failed back on the stack, so the next unwind runs them again newest first. */
  requeueFailed(): number {
    const count = this.failed.length;
    this.undos.push(...this.failed.reverse());
    this.failed = [];
    return count;
  }

  async unwind(): Promise<CompensationOutcome[]> {
    const outcomes: CompensationOutcome[] = [];
    await CancellationScope.nonCancellable(async () => {
      while (this.undos.length > 0) {
        outcomes.push(await this.runOne(this.undos.pop()!));
      }
    });
    return outcomes;
  }
}

/** An undo's name as logs print it: a coupon release without its code (the code names the customer the coupon was issued to). */
export function loggedStep(step: string): string {
  return step.replace(/^(release coupon [a-z]+):.+$/s, '$1'); // `s`: a code may hold a line break
}
