import { redact, REDACTED, scrubPersonalData } from '../../activities/vendors/redact';

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

describe('redact: every vendor\'s personal fields', () => {
  it('hides phones, e-mails, mobiles, names, card numbers, addresses, birth dates and tokens whatever the vendor calls them', () => {
    const body = {
      root: { customer: [{ mobile: '919999999999', email: 'a@b.co', firstname: 'A', lastname: 'B', external_id: 'X1' }] }, // Capillary
      contact: { phone_number: '+35799123456', email_address: 'c@d.co', date_of_birth: '1990-01-01', address_line_1: 'Main St 1' }, // CRM.COM
      user: { name: 'C' }, // Coupontools
      customerPhone: '35799', cardNumber: '4111111111111111', MobileNumber: '1', refresh_token: 't', billingAddress: 'x', // CMC and others
      keep: { sku: 'Soft Drinks', total_amount: 10 },
    };
    const out = JSON.stringify(redact(body));
    for (const secret of ['919999999999', 'a@b.co', '+35799123456', 'c@d.co', '1990-01-01', 'Main St', '4111111111111111', 'X1', '"t"']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('Soft Drinks');
  });
});

describe('scrubPersonalData', () => {
  it('masks e-mail addresses and phone or card numbers in vendor messages, and keeps short codes', () => {
    expect(scrubPersonalData('Customer with mobile 919999999999 not found')).toBe('Customer with mobile [number] not found');
    expect(scrubPersonalData('No customer for jane.doe@example.com')).toBe('No customer for [email]');
    expect(scrubPersonalData('card +357 99 123 456 refused')).toBe('card [number] refused');
    expect(scrubPersonalData('purchases.create: HTTP 503')).toBe('purchases.create: HTTP 503');
  });
});

describe('redact: issue 19 fields', () => {
  it("hides CRM.COM's OTP spend token and pass code, and CMC's customer, sales person and card number as the adapters send them", () => {
    const body = {
      spend_request: { amount: 5, otp: '834271', pass_code: '4321' },
      customer: { id: 'POS-7', firstName: 'Ada', lastName: 'Byron', birthDate: '1990-04-30', contacts: [{ email: 'ada@example.com', phone: '+35799111222' }] },
      salesPerson: { id: 'SP1', firstName: 'Sam', lastName: 'Seller' },
      cardNumber: 'LC123456',
      purchase: { spendOtp: '834271', spendPassCode: '4321' },
    };
    const out = JSON.stringify(redact(body));
    for (const secret of ['834271', '4321', 'Ada', 'Byron', '1990-04-30', 'ada@example.com', '+35799111222', 'Sam', 'Seller', 'LC123456']) {
      expect(out).not.toContain(secret);
    }
    // What is not personal stays: the amount and the POS's own customer id.
    expect(redact(body)).toMatchObject({ spend_request: { amount: 5 }, customer: { id: 'POS-7' } });
  });
});
