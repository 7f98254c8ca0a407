import { z } from 'zod';

/**
 * A till's time budget: how long a phase may take before the till gets its answer, whatever the
 * vendors do (issue 22). The till names it per request in the `Till-Budget-Ms` header; otherwise the
 * merchant's own default (TILL_BUDGET_MERCHANTS), otherwise the deployment's per phase. A vendor that
 * has not answered within it is left out of the phase and named `unavailable` in the answer.
 */
export type TillPhase = 'reserve' | 'commit' | 'complete' | 'oneShot';

export const TILL_BUDGET_HEADER = 'till-budget-ms';

/** The shortest budget a till may ask for: below it the orchestration itself cannot answer. */
export const MIN_TILL_BUDGET_MS = 300;

export type TillBudgetDefaults = Record<TillPhase, number>;

/** TILL_BUDGET_MERCHANTS: `{"<merchant>": {"reserve": 1500, "oneShot": 4000}}`, each phase optional. */
export const merchantBudgetsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  z
    .object({
      reserve: z.number().int().min(MIN_TILL_BUDGET_MS),
      commit: z.number().int().min(MIN_TILL_BUDGET_MS),
      complete: z.number().int().min(MIN_TILL_BUDGET_MS),
      oneShot: z.number().int().min(MIN_TILL_BUDGET_MS),
    })
    .partial()
    .strict(),
);
export type MerchantTillBudgets = z.infer<typeof merchantBudgetsSchema>;

export interface TillBudgetSettings {
  defaults: TillBudgetDefaults;
  merchants: MerchantTillBudgets;
  /** The longest a till may ask for (CHECKOUT_ANSWER_TIMEOUT_MS): beyond it the API answers 202 anyway. */
  maxMs: number;
  /** What the answer needs to travel back to the till: the vendors' steps must end this much earlier. */
  marginMs: number;
  /** How long a vendor call cut short may still land (its HTTP timeout and the worker's grace): its undo waits this long. */
  landsWithinMs: number;
}

/** Past an activity's timeout, how long the worker may still let its attempt run (the SDK's grace). */
const WORKER_GRACE_MS = 5000;

/** When a phase that arrived at `arrivedAt` with `budgetMs` answers the till, and when its vendors' steps must have answered. */
export function tillDeadlines(settings: TillBudgetSettings, arrivedAt: number, budgetMs: number): { answerBy: number; steps: { stepsBy: number; landsWithinMs: number } } {
  // The steps keep at least half the budget, however large the margin.
  const stepsMs = Math.max(budgetMs - settings.marginMs, Math.floor(budgetMs / 2));
  return { answerBy: arrivedAt + budgetMs, steps: { stepsBy: arrivedAt + stepsMs, landsWithinMs: settings.landsWithinMs } };
}

/** Why a `Till-Budget-Ms` header was refused: the caller answers 400 naming the header. */
export class InvalidTillBudget extends Error {}

/** The budget of one phase call, in milliseconds. Throws InvalidTillBudget for a header that is not a whole number in range. */
export function tillBudgetMs(settings: TillBudgetSettings, phase: TillPhase, merchant: string, header: string | string[] | undefined): number {
  const asked = Array.isArray(header) ? header[0] : header;
  if (asked !== undefined && asked.trim() !== '') {
    const value = asked.trim();
    if (!/^\d{1,6}$/.test(value)) throw new InvalidTillBudget(`must be a whole number of milliseconds, got "${value.slice(0, 20)}"`);
    const ms = Number(value);
    if (ms < MIN_TILL_BUDGET_MS || ms > settings.maxMs) throw new InvalidTillBudget(`must be between ${MIN_TILL_BUDGET_MS} and ${settings.maxMs} ms`);
    return ms;
  }
  const own = Object.hasOwn(settings.merchants, merchant) ? settings.merchants[merchant][phase] : undefined;
  return Math.min(own ?? settings.defaults[phase], settings.maxMs);
}

/** The settings as the one validated config holds them. */
export function tillBudgetSettingsOf(config: {
  TILL_BUDGET_RESERVE_MS: number;
  TILL_BUDGET_COMMIT_MS: number;
  TILL_BUDGET_COMPLETE_MS: number;
  TILL_BUDGET_ONE_SHOT_MS: number;
  TILL_BUDGET_MERCHANTS: MerchantTillBudgets;
  TILL_BUDGET_MARGIN_MS: number;
  CHECKOUT_ANSWER_TIMEOUT_MS: number;
  VENDOR_TIMEOUT_MS: number;
}): TillBudgetSettings {
  return {
    defaults: { reserve: config.TILL_BUDGET_RESERVE_MS, commit: config.TILL_BUDGET_COMMIT_MS, complete: config.TILL_BUDGET_COMPLETE_MS, oneShot: config.TILL_BUDGET_ONE_SHOT_MS },
    merchants: config.TILL_BUDGET_MERCHANTS,
    maxMs: config.CHECKOUT_ANSWER_TIMEOUT_MS,
    marginMs: config.TILL_BUDGET_MARGIN_MS,
    landsWithinMs: config.VENDOR_TIMEOUT_MS + WORKER_GRACE_MS,
  };
}
