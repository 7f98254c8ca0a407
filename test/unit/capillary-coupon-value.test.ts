import { couponValue, percentageOf } from '../../activities/vendors/capillary-amounts';

describe(couponValue.name, () => {
  it('is the value of an absolute coupon, in minor units', () => {
    expect(couponValue({ is_absolute: 'true', coupon_value: '10' }, {}, 'EUR')).toBe(1000);
    expect(couponValue({}, { discount_type: 'ABS', discount_value: '2.50' }, 'EUR', 9999)).toBe(250);
  });

  it("is a percentage coupon's share of the bill, and unknown without the bill", () => {
    expect(couponValue({}, { discount_type: 'PERC', discount_value: '10' }, 'EUR', 7000)).toBe(700);
    expect(couponValue({ is_absolute: 'false', coupon_value: 15 }, {}, 'EUR', 1999)).toBe(299);
    expect(couponValue({}, { discount_type: 'PERC', discount_value: '10' }, 'EUR')).toBeUndefined();
  });
});

describe(percentageOf.name, () => {
  it('rounds down to a whole minor unit, so the discount never exceeds the percentage, with exact arithmetic', () => {
    expect(percentageOf(1999, '10')).toBe(199); // 199.9
    expect(percentageOf(1000, '12.5')).toBe(125);
    expect(percentageOf(999, '33.333333')).toBe(332); // 332.99...
    expect(percentageOf(Number.MAX_SAFE_INTEGER, '100')).toBe(Number.MAX_SAFE_INTEGER);
    expect(percentageOf(1000, 0)).toBe(0);
  });

  it('is unknown for anything but a decimal from 0 to 100', () => {
    for (const bad of ['100.01', '-5', '10%', '', 'ten', 1e-7, null, undefined]) expect(percentageOf(1000, bad)).toBeUndefined();
    expect(percentageOf(-1, '10')).toBeUndefined();
  });
});
