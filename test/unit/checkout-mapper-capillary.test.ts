import type { ProblemException } from '../../src/common/problem';
import { toCheckoutInput } from '../../src/checkouts/checkout.mapper';
import { loadConfig } from '../../core/config/app-config';
import { redact, REDACTED } from '../../activities/vendors/redact';
import { checkoutDto as checkout, demoS1 } from '../support/checkout-dto';

const required = loadConfig({ APP_ENV: 'test', CAPILLARY_VALIDATION_REQUIRED: 'true' });
const optional = loadConfig({ APP_ENV: 'test' });
const phone = { type: 'phone', value: '919999999999' };
const stores = demoS1('Asia/Nicosia');

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as ProblemException).problem.errors?.map((e) => e.field);
  }
  throw new Error('expected a refusal');
};

describe('toCheckoutInput: Capillary validation codes, enrolment and cards', () => {
  it('requires a validation code for points and each Capillary coupon when the org requires validation, and only then', () => {
    const body = checkout({ points: { provider: 'capillary', points: 10, identifier: phone }, coupons: [{ provider: 'capillary', code: 'C1' }, { provider: 'coupontools', code: 'K1' }] });
    expect(fieldsOf(() => toCheckoutInput(body, 'demo', required, { stores }))).toEqual(['points.validationCode', 'coupons[0].validationCode']);
    expect(toCheckoutInput(body, 'demo', optional, { stores }).points).not.toHaveProperty('validationCode');
  });

  it('carries the codes into the saga input, a coupon\'s only for a Capillary coupon', () => {
    const input = toCheckoutInput(
      checkout({ points: { provider: 'capillary', points: 10, identifier: phone, validationCode: '4PZGXC' }, coupons: [{ provider: 'capillary', code: 'C1', validationCode: '4PZGXC' }] }),
      'demo',
      required,
      { stores },
    );
    expect(input.points).toMatchObject({ validationCode: '4PZGXC' });
    expect(input.coupons).toEqual([{ provider: 'capillary', code: 'C1', validationCode: '4PZGXC' }]);
    expect(fieldsOf(() => toCheckoutInput(checkout({ coupons: [{ provider: 'coupontools', code: 'K1', validationCode: '4PZGXC' }] }), 'demo', optional, { stores }))).toEqual(['coupons[0].validationCode']);
  });

  it('carries enrolment details, refusing details that name another customer than the identifier, and enrolment by card', () => {
    const enrol = { firstName: 'Becky', email: 'becky@example.com', mobile: '+91 9999999999' };
    expect(toCheckoutInput(checkout({ points: { provider: 'capillary', points: 10, identifier: phone, enrol } }), 'demo', optional, { stores }).points?.enrol).toEqual(enrol);
    expect(fieldsOf(() => toCheckoutInput(checkout({ points: { provider: 'capillary', points: 10, identifier: phone, enrol: { mobile: '447700900111' } } }), 'demo', optional, { stores }))).toEqual(['points.enrol.mobile']);
    expect(fieldsOf(() => toCheckoutInput(checkout({ points: { provider: 'capillary', points: 10, identifier: { type: 'email', value: 'a@example.com' }, enrol: { email: 'b@example.com' } } }), 'demo', optional, { stores }))).toEqual(['points.enrol.email']);
    expect(fieldsOf(() => toCheckoutInput(checkout({ points: { provider: 'capillary', points: 10, identifier: { type: 'card', value: '7000' }, enrol: {} } }), 'demo', optional, { stores }))).toEqual(['points.enrol']);
  });

  it('takes a card for Capillary points, not for the CRM.COM customer', () => {
    expect(toCheckoutInput(checkout({ points: { provider: 'capillary', points: 10, identifier: { type: 'card', value: '7000100020003000' } } }), 'demo', optional, { stores }).points?.customer).toEqual({ type: 'card', value: '7000100020003000' });
    expect(fieldsOf(() => toCheckoutInput(checkout({ customer: { provider: 'crmcom', identifier: { type: 'card', value: '7000' } } }), 'demo', optional, { stores }))).toEqual(['customer.identifier.type']);
  });

  it('redacts validation codes in audit excerpts, as Capillary names them and as we do', () => {
    expect(redact({ validation_code: '4PZGXC', validationCode: '4PZGXC', points_redeemed: 10 })).toEqual({ validation_code: REDACTED, validationCode: REDACTED, points_redeemed: 10 });
  });
});
