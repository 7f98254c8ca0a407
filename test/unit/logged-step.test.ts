import { loggedStep } from '../../workflows/compensation-stack';

describe(loggedStep.name, () => {
  it("prints a coupon release without the coupon's code, and every other step as it is", () => {
    expect(loggedStep('release coupon coupontools:CT-77X9-2Q41')).toBe('release coupon coupontools');
    expect(loggedStep('release coupon capillary:MU7T1USE')).toBe('release coupon capillary');
    expect(loggedStep('void CRM.COM purchase')).toBe('void CRM.COM purchase');
    expect(loggedStep('reverse Capillary points')).toBe('reverse Capillary points');
  });
});
