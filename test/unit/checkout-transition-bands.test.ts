import {
  MAX_RETURNS_PER_CHECKOUT,
  VOID_TRANSITION_SEQ,
  isCheckoutSagaTransition,
  returnTransitionSeq,
} from '../../workflows/checkout-transitions.contract';

/** The projection moves to a higher seq only: each saga's band must sit above the one before it. */
describe('checkout transition seq bands', () => {
  it('puts every return above the checkout saga and below the void', () => {
    expect(isCheckoutSagaTransition(returnTransitionSeq(1))).toBe(false);
    expect(returnTransitionSeq(MAX_RETURNS_PER_CHECKOUT)).toBeLessThan(VOID_TRANSITION_SEQ);
  });

  it("tells the checkout saga's own transitions from the returns' and the void's", () => {
    expect([1, 2, 99].map(isCheckoutSagaTransition)).toEqual([true, true, true]);
    expect([returnTransitionSeq(1), returnTransitionSeq(MAX_RETURNS_PER_CHECKOUT), VOID_TRANSITION_SEQ].map(isCheckoutSagaTransition)).toEqual([false, false, false]);
  });
});
