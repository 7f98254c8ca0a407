import fc from 'fast-check';
import { proRataShare, refuseReturn, returnShares } from '../../workflows/return-allocation';

describe(proRataShare.name, () => {
  it('reverses floor(W × after / T) − floor(W × before / T)', () => {
    // 0.70 award on a 70.00 sale: 20.00 returned reverses 0.20, then 10.00 more reverses 0.10.
    expect(proRataShare(70, 7000, 0, 2000)).toBe(20);
    expect(proRataShare(70, 7000, 2000, 3000)).toBe(10);
    // 1.00 over three equal thirds of 3.00: 33, 33, then the remainder 34.
    expect([proRataShare(100, 300, 0, 100), proRataShare(100, 300, 100, 200), proRataShare(100, 300, 200, 300)]).toEqual([33, 33, 34]);
  });

  it('stays exact where W × T exceeds 2^53', () => {
    expect(proRataShare(9_000_000_000_000, 9_000_000_000_000, 0, 4_500_000_000_000)).toBe(4_500_000_000_000);
  });

  it('refuses returns beyond the total or going backwards', () => {
    expect(() => proRataShare(10, 100, 0, 101)).toThrow(RangeError);
    expect(() => proRataShare(10, 100, 50, 40)).toThrow(RangeError);
    expect(() => proRataShare(-1, 100, 0, 1)).toThrow(RangeError);
  });

  it('property: any split of the total reverses exactly the whole, never a negative part, never beyond the whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        (whole, parts) => {
          const total = parts.reduce((s, p) => s + p, 0);
          let before = 0;
          let reversed = 0;
          for (const part of parts) {
            const share = proRataShare(whole, total, before, before + part);
            expect(share).toBeGreaterThanOrEqual(0);
            reversed += share;
            expect(reversed).toBeLessThanOrEqual(whole);
            before += part;
          }
          expect(reversed).toBe(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a partial split never reverses more than the same fraction of the whole, rounded up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.nat(), (whole, total, r) => {
        const returned = r % (total + 1);
        const share = proRataShare(whole, total, 0, returned);
        expect(share * total).toBeLessThanOrEqual(whole * returned);
        expect((share + 1) * total).toBeGreaterThan(whole * returned);
      }),
    );
  });
});

describe(returnShares.name, () => {
  it('shares every component, each coupon on its own', () => {
    const wholes = { paidMinor: 5900, awardedMinor: 70, spentMinor: 500, pointsRedeemed: 100, pointsValueMinor: 100, couponsMinor: [500] };
    expect(returnShares(wholes, 7000, 0, 2000)).toEqual({
      paidMinor: 1685, awardedMinor: 20, spentMinor: 142, pointsRedeemed: 28, pointsValueMinor: 28, couponsMinor: [142],
    });
  });
});

describe(refuseReturn.name, () => {
  const sale = {
    totalMinor: 7000,
    returnedMinor: 0,
    lines: [
      { sku: 'A', quantity: 2, totalMinor: 2000, returnedQuantity: 0, returnedMinor: 0 },
      { sku: 'B', quantity: 2, totalMinor: 5000, returnedQuantity: 1, returnedMinor: 2500 },
    ],
  };

  it('accepts lines of the sale within what is left, and an amount within what is left', () => {
    expect(refuseReturn({ lines: [{ sku: 'A', quantity: 1, totalMinor: 1000 }] }, sale)).toEqual([]);
    expect(refuseReturn({ amountMinor: 7000 }, sale)).toEqual([]);
  });

  it('names the field of each refusal', () => {
    expect(refuseReturn({ lines: [{ sku: 'C', quantity: 1, totalMinor: 1 }] }, sale)).toEqual([{ field: 'lines[0].sku', message: expect.any(String) }]);
    expect(refuseReturn({ lines: [{ sku: 'B', quantity: 2, totalMinor: 2500 }] }, sale)).toEqual([{ field: 'lines[0].quantity', message: expect.any(String) }]);
    expect(refuseReturn({ lines: [{ sku: 'B', quantity: 1, totalMinor: 2400 }] }, sale)).toEqual([{ field: 'lines[0].totalAmount', message: expect.any(String) }]);
    expect(refuseReturn({ lines: [{ sku: 'A', quantity: 1, totalMinor: 2001 }] }, sale)).toEqual([{ field: 'lines[0].totalAmount', message: expect.any(String) }]);
    expect(refuseReturn({ amountMinor: 7001 }, sale)).toEqual([{ field: 'amount', message: expect.stringContaining('7000') }]);
    expect(refuseReturn({ amountMinor: 1 }, { ...sale, returnedMinor: 7000 })).toEqual([{ field: 'amount', message: expect.any(String) }]);
    expect(refuseReturn({ lines: [{ sku: 'A', quantity: 1, totalMinor: 1000 }, { sku: 'A', quantity: 1, totalMinor: 1000 }] }, sale)[0].field).toBe('lines[1].sku');
  });
});
