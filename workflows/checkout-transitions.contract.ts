/**
 * The seq bands of checkout transitions. Three sagas move one checkout's `checkouts` row (and write
 * its transition audit rows): the checkout saga itself, then its returns saga, then its void saga.
 * The row moves forward only, to a higher transition seq, so each saga records its transitions in
 * its own band and a later saga's always win over an earlier one's:
 *
 *   1 … 99     the checkout saga: 1 for its first state, +1 per state it enters
 *   100 + n    the returns saga: its n-th return (n ≤ MAX_RETURNS_PER_CHECKOUT)
 *   1000       the void saga: once
 *
 * Deterministic and free of Node: workflow code imports it, and so does the transition activity.
 */

/** The returns saga's seqs start here: above the checkout saga's own. */
export const RETURN_TRANSITION_SEQ_BASE = 100;

/** Returns per checkout: so many that no till reaches it, few enough that their seqs stay below the void's. */
export const MAX_RETURNS_PER_CHECKOUT = 500;

/** The void's seq: above the checkout's and every return's, so the projection moves to `voided`. */
export const VOID_TRANSITION_SEQ = 1000;

/** The seq of the `returnsMade`-th return of a checkout (1 for the first). */
export function returnTransitionSeq(returnsMade: number): number {
  return RETURN_TRANSITION_SEQ_BASE + returnsMade;
}

/**
 * Whether the checkout saga itself recorded a transition (its band), rather than a return or the
 * void. Only the checkout saga's runs compete by run id for the row: a reset starts a new run whose
 * seqs start again at 1. (It enters a handful of states, plus two per ops retry of a failed undo:
 * it stays in its band unless ops retry one saga some fifty times.)
 */
export function isCheckoutSagaTransition(seq: number): boolean {
  return seq < RETURN_TRANSITION_SEQ_BASE;
}
