/**
 * The reference checkout's money, once for the baseline and the peer (pure: the peer's workflow
 * imports it): the spend the vendor may take, and what the customer still pays after every discount.
 */
export function spendToRequest(requestedMinor: number, maxAdditionalSpendMinor: number, walletBalanceMinor: number): number {
  return Math.min(requestedMinor, Math.min(maxAdditionalSpendMinor, walletBalanceMinor));
}

export function amountDueAfterDiscounts(totalMinor: number, discountsMinor: number[]): number {
  return Math.max(0, discountsMinor.reduce((due, d) => due - d, totalMinor));
}
