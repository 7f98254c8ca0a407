import { chooseCapillaryBillNumber, COMPACT_BILL_POS_REFERENCE_MAX_LENGTH } from '../../core/checkouts/capillary-bill-number';
import { loadConfig } from '../../core/config/app-config';

const orgFormat = loadConfig({ APP_ENV: 'test' }).capillaryBillNumberFormat;
const key = (overrides: Partial<{ merchant: string; store: string; till: string; posReference: string }> = {}) => ({
  merchant: 'demo',
  store: 'S1',
  till: 'T1',
  posReference: 'REF0001',
  ...overrides,
});
const billOf = (k: ReturnType<typeof key>, format = orgFormat) => {
  const choice = chooseCapillaryBillNumber(k, format);
  if (!('billNumber' in choice)) throw new Error(choice.refusal);
  return choice.billNumber;
};

describe(chooseCapillaryBillNumber.name, () => {
  it('keeps the checkout reference when Capillary takes it, so every bill number that worked before stays the same', () => {
    expect(billOf(key())).toBe('demo:S1:T1:REF0001');
    const fifty = key({ posReference: 'R'.repeat(50 - 'demo:S1:T1:'.length) });
    expect(billOf(fifty)).toBe(`demo:S1:T1:${fifty.posReference}`);
  });

  it('compacts a longer key to <posReference>-<16 base32 characters>, at most 50 characters, the same every time', () => {
    const long = key({ store: 'S'.repeat(40), till: 'T'.repeat(40), posReference: 'P'.repeat(64 - 31) });
    const bill = billOf(long);
    expect(bill).toMatch(new RegExp(`^${long.posReference}-[0-9A-HJKMNP-TV-Z]{16}$`));
    expect(bill).toHaveLength(50);
    expect(orgFormat.test(bill)).toBe(true);
    expect(billOf({ ...long })).toBe(bill);
  });

  it('tells apart the same POS reference at other merchants, stores and tills, and never meets a checkout reference', () => {
    const base = { store: 'S'.repeat(40), till: 'T'.repeat(40), posReference: 'REF1' };
    const bills = new Set<string>();
    for (const merchant of ['demo', 'other']) {
      for (let i = 0; i < 500; i += 1) bills.add(billOf(key({ ...base, merchant, till: `${'T'.repeat(36)}${i}` })));
    }
    expect(bills.size).toBe(1000);
    // A compact bill number holds no ':', a checkout reference three.
    expect([...bills].every((b) => !b.includes(':'))).toBe(true);
  });

  it('takes the compact form when the org format refuses the checkout reference', () => {
    expect(billOf(key(), /^[A-Za-z0-9-]{1,50}$/)).toMatch(/^REF0001-[0-9A-Z]{16}$/);
  });

  it('refuses a POS reference too long for any bill number, or one the org format cannot take, saying why', () => {
    const tooLong = key({ store: 'S'.repeat(40), posReference: 'P'.repeat(COMPACT_BILL_POS_REFERENCE_MAX_LENGTH + 1) });
    expect(chooseCapillaryBillNumber(tooLong, orgFormat)).toEqual({ refusal: expect.stringMatching(/longer than 33 characters.*50 characters/) });
    expect(chooseCapillaryBillNumber({ ...tooLong, posReference: 'P'.repeat(33) }, orgFormat)).toEqual({ billNumber: expect.stringMatching(/^P{33}-/) });
    expect(chooseCapillaryBillNumber(key({ posReference: 'REF.1' }), /^[A-Z0-9-]+$/)).toEqual({
      refusal: expect.stringMatching(/^makes the Capillary bill number "REF\.1-[0-9A-Z]{16}", which the Capillary org's bill number format/),
    });
  });
});
