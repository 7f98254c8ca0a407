import { loggedStep } from '../../workflows/compensation-stack';

describe(loggedStep.name, () => {
  it("names a coupon release without the coupon's code (logs, CheckoutFailingStep), and every other step as it is", () => {
    expect(loggedStep('release coupon coupontools:CT-77X9-2Q41')).toBe('release coupon coupontools');
    expect(loggedStep('release coupon capillary:MU7T1USE')).toBe('release coupon capillary');
    // The API takes any code with a non-space character: one with a line break is cut all the same.
    expect(loggedStep('release coupon coupontools:AB\nCD')).toBe('release coupon coupontools');
    expect(loggedStep('void CRM.COM purchase')).toBe('void CRM.COM purchase');
    expect(loggedStep('reverse Capillary points')).toBe('reverse Capillary points');
  });
});
