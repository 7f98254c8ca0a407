import type { ProblemException } from '../../src/common/problem';
import { toCheckoutInput } from '../../src/checkouts/checkout.mapper';
import { loadConfig } from '../../core/config/app-config';
import { checkoutDto as checkout, demoS1 } from '../support/checkout-dto';

const config = loadConfig({ APP_ENV: 'test' });
const stores = demoS1('Asia/Nicosia');
const line = (totalAmount: string, netAmount: string, vatAmount: string) => ({ sku: 'A', quantity: 1, totalAmount, netAmount, vatAmount });

const errorsOf = (lines: unknown[], currency = 'EUR') => {
  try {
    toCheckoutInput(checkout({ lines, currency }), 'demo', config, { stores });
  } catch (err) {
    return (err as ProblemException).problem.errors ?? [];
  }
  return [];
};

describe('toCheckoutInput: a line total is its net amount plus its VAT', () => {
  it('takes lines that add up in minor units, however the decimals are written', () => {
    expect(errorsOf([line('0.30', '0.10', '0.20'), line('10', '8.0', '2.00'), line('0.00', '0.00', '0.00')])).toEqual([]);
  });

  it('names the total of each line that does not add up, with the figures', () => {
    expect(errorsOf([line('10.00', '8.00', '2.00'), line('10.00', '8.00', '2.01'), line('9.99', '10.00', '0.00')])).toEqual([
      { field: 'lines[1].totalAmount', message: 'must be netAmount + vatAmount (8.00 + 2.01 = 10.01), not 10.00' },
      { field: 'lines[2].totalAmount', message: 'must be netAmount + vatAmount (10.00 + 0.00 = 10.00), not 9.99' },
    ]);
  });

  it('adds nothing up on a line with an amount it could not read: that amount is named alone', () => {
    expect(errorsOf([line('10.001', '8.00', '2.00')]).map((e) => e.field)).toEqual(['lines[0].totalAmount']);
    expect(errorsOf([line('10.00', '8.001', '2.00')]).map((e) => e.field)).toEqual(['lines[0].netAmount']);
  });

  it('refuses, never throws, amounts whose sums are past exact integers (CLF has 4 decimals: 9e15 minor units each)', () => {
    const big = '900000000000.0000';
    expect(errorsOf([line('1.0000', big, big)], 'CLF')).toEqual([
      { field: 'lines[0].totalAmount', message: `must be netAmount + vatAmount, and ${big} + ${big} is too large an amount` },
    ]);
    expect(errorsOf([line(big, big, '0.0000'), line(big, big, '0.0000')], 'CLF')).toEqual([{ field: 'lines', message: 'add up to too large an amount' }]);
  });
});
