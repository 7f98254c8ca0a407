import { keyedExcerpt, keyedVendorReference } from '../../core/audit/audit-identifiers';
import { CustomerRefHasher } from '../../core/audit/customer-ref';

describe('customer identifiers in audit rows are keyed', () => {
  const hasher = new CustomerRefHasher('k'.repeat(32));
  const ref = (type: string, value: string) => hasher.refOf({ type, value });

  it("keys CRM.COM accounts and wallets, Capillary user ids and coupon codes, and keeps transaction references and statuses", () => {
    const excerpt = {
      data: { accounts_receivable: { id: '123456789', number: '400' }, wallet: { number: 'W0000000001', balance: 10 }, number: 'P-111' },
      accounts_receivable_identifier: { number: '400' },
      customers: { customer: { user_id: 98662653, coupons: [{ code: 'MU7T1USE', item_status: { code: 700 } }] } },
      root: { coupon: [{ code: 'MU7T1USE' }], bill_number: 'B-1' },
      status: { code: 'OK' },
    };
    expect(keyedExcerpt(excerpt, hasher)).toEqual({
      data: {
        accounts_receivable: { id: ref('account.accounts_receivable', '123456789'), number: ref('account.accounts_receivable', '400') },
        wallet: { number: ref('account.wallet', 'W0000000001'), balance: 10 },
        number: 'P-111',
      },
      accounts_receivable_identifier: { number: ref('account.accounts_receivable_identifier', '400') },
      customers: { customer: { user_id: ref('capillary.user', '98662653'), coupons: [{ code: ref('coupon', 'MU7T1USE'), item_status: { code: 700 } }] } },
      root: { coupon: [{ code: ref('coupon', 'MU7T1USE') }], bill_number: 'B-1' },
      status: { code: 'OK' },
    });
    expect(JSON.stringify(keyedExcerpt(excerpt, hasher))).not.toMatch(/"400"|123456789|W0000000001|98662653|MU7T1USE/);
  });

  it("keys the contacts CRM.COM back-office's contact search lists (their id and number), and no other list's numbers", () => {
    const contacts = { content: [{ id: '5c3e4a9e-0001', number: '400', wallet: { id: 'w-1', balance: 10 }, first_name: '[redacted]' }] };
    expect(keyedExcerpt(contacts, hasher, { vendor: 'crmcom', operation: 'customers.list' })).toEqual({
      content: [{ id: ref('account.contact', '5c3e4a9e-0001'), number: ref('account.contact', '400'), wallet: { id: ref('account.wallet', 'w-1'), balance: 10 }, first_name: '[redacted]' }],
    });
    // A purchase search's items are transactions: their numbers stay, as without a call.
    const purchases = { content: [{ id: 'p-1', number: 'P-111' }] };
    expect(keyedExcerpt(purchases, hasher, { vendor: 'crmcom', operation: 'purchases.list' })).toEqual(purchases);
    expect(keyedExcerpt(contacts, hasher)).toEqual({ content: [{ ...contacts.content[0], wallet: { id: ref('account.wallet', 'w-1'), balance: 10 } }] });
  });

  it("keys a Coupontools session's code in requests and answers (couponsession, session, its URL), and only at Coupontools", () => {
    const request = { couponsession: 'cpnR1', lock: '1' };
    const answer = { session: 'cpnR1', session_url: 'https://ct.example/s/cpnR1', data: { status: { locked: '1' } } };
    const call = { vendor: 'coupontools', operation: 'couponsession.lock' };
    expect(keyedExcerpt(request, hasher, call)).toEqual({ couponsession: ref('coupon', 'cpnR1'), lock: '1' });
    expect(keyedExcerpt(answer, hasher, call)).toEqual({ session: ref('coupon', 'cpnR1'), session_url: ref('coupon.url', 'https://ct.example/s/cpnR1'), data: { status: { locked: '1' } } });
    // Another vendor's `session` is not a coupon.
    expect(keyedExcerpt({ session: 'S-1' }, hasher, { vendor: 'cmc', operation: 'interaction.start' })).toEqual({ session: 'S-1' });
  });

  it('keys the vendor reference of an identify or lookup and every Coupontools one, never a purchase number', () => {
    expect(keyedVendorReference('crmcom', 'rewards_participants.show', '400', hasher)).toBe(ref('account.accounts_receivable', '400'));
    expect(keyedVendorReference('capillary', 'customer.get', '98662653', hasher)).toBe(ref('capillary.user', '98662653'));
    expect(keyedVendorReference('coupontools', 'couponsession.lock', 'CT1', hasher)).toBe(ref('coupon', 'CT1'));
    expect(keyedVendorReference('crmcom', 'purchases.create', 'P-111', hasher)).toBe('P-111');
    expect(keyedVendorReference('capillary', 'transaction.add', '555', hasher)).toBe('555');
    expect(keyedVendorReference('capillary', 'customer.get', null, hasher)).toBeNull();
  });
});
