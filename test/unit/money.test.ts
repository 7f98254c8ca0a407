import fc from 'fast-check';
import {
  amountTimes100,
  currencyExponent,
  formatMinorUnits,
  fromVendorAmount,
  MoneyFormatError,
  parseDecimalAmount,
  toVendorNumber,
} from '../../core/money/money';

describe('money', () => {
  it('knows each currency minor unit from ISO 4217', () => {
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('BHD')]).toEqual([2, 0, 3]);
    expect(() => currencyExponent('EURO')).toThrow(MoneyFormatError);
  });

  it('parses decimal strings into minor units', () => {
    expect(parseDecimalAmount('10.00', 'EUR')).toBe(1000);
    expect(parseDecimalAmount('10.5', 'EUR')).toBe(1050);
    expect(parseDecimalAmount('0.07', 'EUR')).toBe(7);
    expect(parseDecimalAmount('1500', 'JPY')).toBe(1500);
    expect(parseDecimalAmount('1.234', 'BHD')).toBe(1234);
  });

  it('refuses more precision than the currency has, and anything that is not a plain decimal', () => {
    for (const [amount, currency] of [['10.001', 'EUR'], ['1.5', 'JPY'], ['1e3', 'EUR'], ['', 'EUR'], [' 1', 'EUR'], ['1,00', 'EUR']]) {
      expect(() => parseDecimalAmount(amount, currency)).toThrow(MoneyFormatError);
    }
  });

  it('formats minor units as decimal strings, including negatives and zero-exponent currencies', () => {
    expect(formatMinorUnits(1050, 'EUR')).toBe('10.50');
    expect(formatMinorUnits(7, 'EUR')).toBe('0.07');
    expect(formatMinorUnits(-7, 'EUR')).toBe('-0.07');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1500');
    expect(() => formatMinorUnits(1.5, 'EUR')).toThrow(MoneyFormatError);
  });

  it('round-trips every amount exactly between minor units and decimal strings', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'BHD'), (minor, currency) => {
        expect(parseDecimalAmount(formatMinorUnits(minor, currency), currency)).toBe(minor);
        expect(fromVendorAmount(toVendorNumber(minor, currency), currency)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads vendor numbers and strings, rounding extra precision half to even', () => {
    expect(fromVendorAmount(7.9, 'EUR')).toBe(790);
    expect(fromVendorAmount(0.08, 'EUR')).toBe(8);
    expect(fromVendorAmount('10.00', 'EUR')).toBe(1000);
    expect(fromVendorAmount(0.125, 'EUR')).toBe(12);
    expect(fromVendorAmount(0.135, 'EUR')).toBe(14);
    expect(fromVendorAmount(0.1251, 'EUR')).toBe(13);
    expect(fromVendorAmount(-0.5, 'EUR')).toBe(-50);
    expect(() => fromVendorAmount(Number.NaN, 'EUR')).toThrow(MoneyFormatError);
  });

  it('gives CRM.COM\'s "amount x100" whatever the currency\'s precision', () => {
    expect(amountTimes100(1050, 'EUR')).toBe(1050);
    expect(amountTimes100(1500, 'JPY')).toBe(150000);
    expect(amountTimes100(1234, 'BHD')).toBe(123);
  });
});
