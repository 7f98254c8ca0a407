import { redact, REDACTED } from '../../activities/vendors/redact';

describe('redact', () => {
  it('replaces secrets and personal data at any depth and keeps the rest', () => {
    const body = {
      token: 'abc',
      rewards_participant_identifier: { access_token_identifier: { authentication_code: '22265577' } },
      products_set: [{ product_identifier: { code: 'Soft Drinks' }, total_amount: 10 }],
      account_owner: { first_name: 'John', email: 'j@example.com' },
    };
    expect(redact(body)).toEqual({
      token: REDACTED,
      rewards_participant_identifier: { access_token_identifier: { authentication_code: REDACTED } },
      products_set: [{ product_identifier: { code: 'Soft Drinks' }, total_amount: 10 }],
      account_owner: { first_name: REDACTED, email: REDACTED },
    });
  });
});
