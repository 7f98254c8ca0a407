import { toApiMoney } from '../../src/common/money-view';

describe(toApiMoney.name, () => {
  it('turns every ...Minor field, at any depth, into a decimal string without the suffix', () => {
    expect(
      toApiMoney({ totalMinor: 1050, points: 100, discounts: { spendMinor: 500 }, coupons: [{ code: 'A', valueMinor: 7 }] }, 'EUR'),
    ).toEqual({ total: '10.50', points: 100, discounts: { spend: '5.00' }, coupons: [{ code: 'A', value: '0.07' }] });
  });
});
