import { referenceCheckoutBody } from '../../support/checkout-requests';
import { uniquePosReference } from '../../support/test-stack';
import { driveAtRate } from './load-driver';
import { runPosCheckout, sleep, type PosCheckout } from './pos-client';

export interface OutagePlan {
  apiUrl: string;
  sandboxUrl: string;
  prefix: string;
  ratePerSecond: number;
  /** Load before the outage, the outage itself, and load after the repair. */
  warmMs: number;
  outageMs: number;
  afterMs: number;
  breakIt(): Promise<void> | void;
  repairIt(): Promise<void> | void;
}

export interface OutageRun {
  refs: string[];
  results: PosCheckout[];
  brokenAt: number;
  repairedAt: number;
  /** From the repair to the first POST answered 201 (a saga ran end to end) after it. */
  recoveryMs: number;
}

/**
 * One-shot reference checkouts at a fixed rate while a dependency is broken for `outageMs` and then
 * repaired; each till behaves as the API asks (retries a 503 after Retry-After, polls a 202).
 */
export async function runOutageUnderLoad(plan: OutagePlan): Promise<OutageRun> {
  const refs: string[] = [];
  let brokenAt = 0;
  let repairedAt = 0;
  const chaos = (async () => {
    await sleep(plan.warmMs);
    brokenAt = Date.now();
    await plan.breakIt();
    await sleep(plan.outageMs - (Date.now() - brokenAt));
    await plan.repairIt();
    repairedAt = Date.now();
  })();
  const load = driveAtRate(
    { ratePerSecond: plan.ratePerSecond, durationMs: plan.warmMs + plan.outageMs + plan.afterMs, maxInFlight: 500 },
    async () => {
      const ref = uniquePosReference(plan.prefix);
      refs.push(ref);
      const body = await referenceCheckoutBody(plan.sandboxUrl, ref, { complete: true });
      return runPosCheckout(plan.apiUrl, ref, body, { deadlineMs: 240_000 });
    },
  );
  const [results] = await Promise.all([load, chaos]);
  const firstSuccessAfter = Math.min(...results.flatMap((r) => r.answers).filter((a) => a.status === 201 && a.at >= repairedAt).map((a) => a.at));
  return { refs, results, brokenAt, repairedAt, recoveryMs: firstSuccessAfter - repairedAt };
}
