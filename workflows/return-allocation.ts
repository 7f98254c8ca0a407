/**
 * Pro-rata arithmetic of partial returns, in integer minor units (pure and deterministic: the returns
 * workflow imports it).
 *
 * Rounding rule (cumulative floor): after returns totalling R of a sale of total T, a whole W (the
 * award, the spend, the points, each coupon's discount, the amount paid) is reversed up to
 * floor(W × R / T). A return moving R from `before` to `after` therefore reverses
 *   floor(W × after / T) − floor(W × before / T).
 * The parts telescope: returns adding up to T reverse exactly W, the last one taking the remainder;
 * a part is never negative (floor is monotone) and the running sum never exceeds W. Capillary's own
 * pro-rata points deduction on partial returns uses the same cumulative rule, so our figures and the
 * vendor's agree to the unit. BigInt keeps W × R exact beyond 2^53.
 */
export function proRataShare(whole: number, totalMinor: number, returnedBefore: number, returnedAfter: number): number {
  if (!Number.isSafeInteger(whole) || whole < 0) throw new RangeError(`whole must be a non-negative integer, got ${whole}`);
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) throw new RangeError(`total must be a positive integer, got ${totalMinor}`);
  if (!(Number.isSafeInteger(returnedBefore) && Number.isSafeInteger(returnedAfter) && 0 <= returnedBefore && returnedBefore <= returnedAfter && returnedAfter <= totalMinor)) {
    throw new RangeError(`returned amounts must satisfy 0 <= before (${returnedBefore}) <= after (${returnedAfter}) <= total (${totalMinor})`);
  }
  const upTo = (returned: number) => (BigInt(whole) * BigInt(returned)) / BigInt(totalMinor);
  return Number(upTo(returnedAfter) - upTo(returnedBefore));
}

/** What a sale can give back, per component; each is reversed pro rata by proRataShare. */
export interface ReturnableWholes {
  /** The money the customer paid (the receipt's amount due): what the POS refunds. */
  paidMinor: number;
  awardedMinor: number;
  spentMinor: number;
  pointsRedeemed: number;
  pointsValueMinor: number;
  /** Each coupon's discount, in receipt order. */
  couponsMinor: number[];
}

export type ReturnShares = ReturnableWholes;

/** Every component's share for a return moving the returned total from `before` to `after`. */
export function returnShares(wholes: ReturnableWholes, totalMinor: number, before: number, after: number): ReturnShares {
  const share = (w: number) => proRataShare(w, totalMinor, before, after);
  return {
    paidMinor: share(wholes.paidMinor),
    awardedMinor: share(wholes.awardedMinor),
    spentMinor: share(wholes.spentMinor),
    pointsRedeemed: share(wholes.pointsRedeemed),
    pointsValueMinor: share(wholes.pointsValueMinor),
    couponsMinor: wholes.couponsMinor.map(share),
  };
}

/** A line of the original sale, by SKU, with what is left to return of it. */
export interface ReturnableLine {
  sku: string;
  quantity: number;
  totalMinor: number;
  returnedQuantity: number;
  returnedMinor: number;
}

export interface LineReturn {
  sku: string;
  quantity: number;
  totalMinor: number;
}

/** Why a return is refused, naming the request field (problem+json `errors[].field`). */
export interface ReturnRefusal {
  field: string;
  message: string;
}

/**
 * Checks a return against what is left: returned lines must be lines of the sale (by SKU, each once),
 * for no more units or money than sold minus returned, and returning a line's last units must return
 * its remaining money (no line left with money but no units); the amount must fit in what is left of
 * the sale. Returns the refusals (empty: acceptable).
 */
export function refuseReturn(
  request: { amountMinor?: number; lines?: LineReturn[] },
  sale: { totalMinor: number; returnedMinor: number; lines: ReturnableLine[] },
): ReturnRefusal[] {
  const refusals: ReturnRefusal[] = [];
  const left = sale.totalMinor - sale.returnedMinor;
  if (request.lines) {
    const seen = new Set<string>();
    request.lines.forEach((line, i) => {
      const original = sale.lines.find((l) => l.sku === line.sku);
      if (!original) return refusals.push({ field: `lines[${i}].sku`, message: `${line.sku} is not a line of this sale` });
      if (seen.has(line.sku)) return refusals.push({ field: `lines[${i}].sku`, message: `${line.sku} appears more than once` });
      seen.add(line.sku);
      const unitsLeft = original.quantity - original.returnedQuantity;
      const moneyLeft = original.totalMinor - original.returnedMinor;
      if (line.quantity > unitsLeft) return refusals.push({ field: `lines[${i}].quantity`, message: `only ${unitsLeft} of ${line.sku} left to return` });
      if (line.totalMinor > moneyLeft) return refusals.push({ field: `lines[${i}].totalAmount`, message: `more than what is left of ${line.sku} (${moneyLeft} minor units)` });
      if (line.quantity === unitsLeft && line.totalMinor !== moneyLeft) {
        return refusals.push({ field: `lines[${i}].totalAmount`, message: `the last units of ${line.sku} return what is left of it (${moneyLeft} minor units)` });
      }
      return undefined;
    });
  }
  const amount = request.amountMinor ?? (request.lines ?? []).reduce((s, l) => s + l.totalMinor, 0);
  if (refusals.length === 0 && amount > left) {
    refusals.push({ field: request.lines ? 'lines' : 'amount', message: `beyond what is left to return of the sale (${left} minor units)` });
  }
  if (refusals.length === 0 && amount <= 0) refusals.push({ field: request.lines ? 'lines' : 'amount', message: 'a return must return something' });
  return refusals;
}
