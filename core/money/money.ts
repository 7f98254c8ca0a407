/**
 * Money is integer minor units inside the system and decimal strings at the API edge; vendors that
 * want JSON numbers get them from here too. This is the only module that converts, so no float ever
 * carries an amount through our code.
 */

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d+))?$/;
const CURRENCY = /^[A-Z]{3}$/;

export class MoneyFormatError extends Error {}

/** ISO 4217 minor-unit exponent (EUR 2, JPY 0, BHD 3), taken from the runtime's ICU data. */
/** Exponents already worked out: building an Intl.NumberFormat costs more than a whole vendor call's mapping. */
const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number {
  const known = exponents.get(currency);
  if (known !== undefined) return known;
  if (!CURRENCY.test(currency)) throw new MoneyFormatError(`unknown currency ${JSON.stringify(currency)}`);
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new MoneyFormatError(`unknown currency ${JSON.stringify(currency)}`);
  }
  exponents.set(currency, digits);
  return digits;
}

export function isCurrencyCode(value: string): boolean {
  try {
    currencyExponent(value);
    return true;
  } catch {
    return false;
  }
}

/** "10.50" EUR -> 1050. Refuses more fraction digits than the currency has: a POS never sends them. */
export function parseDecimalAmount(amount: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const m = DECIMAL.exec(amount);
  if (!m) throw new MoneyFormatError(`${JSON.stringify(amount)} is not a decimal amount`);
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > exponent) {
    throw new MoneyFormatError(`${amount} has more than ${exponent} decimal places for ${currency}`);
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`${amount} is too large`);
  return sign ? -minor : minor;
}

/** 1050 EUR -> "10.50". */
export function formatMinorUnits(minor: number, currency: string): string {
  assertMinorUnits(minor);
  const exponent = currencyExponent(currency);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  return `${minor < 0 ? '-' : ''}${whole}${fraction}`;
}

/** An amount "x100" as CRM.COM's receipt codes want it: 10.50 EUR -> 1050, whatever the currency's precision. */
export function amountTimes100(minor: number, currency: string): number {
  assertMinorUnits(minor);
  const exponent = currencyExponent(currency);
  return exponent <= 2 ? minor * 10 ** (2 - exponent) : Math.round(minor / 10 ** (exponent - 2));
}

/** For vendors whose JSON carries amounts as numbers (CRM.COM): 790 -> 7.9, the nearest double. */
export function toVendorNumber(minor: number, currency: string): number {
  return Number(formatMinorUnits(minor, currency));
}

/**
 * A vendor's amount (number or decimal string) -> minor units. Vendors may send more precision than
 * the currency has (a computed 0.075 award); that is rounded half-to-even, the banker's rule finance
 * expects, and the raw value stays in the audit excerpt.
 */
export function fromVendorAmount(value: number | string, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof value === 'number' ? numberToPlainDecimal(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyFormatError(`vendor amount ${JSON.stringify(value)} is not a decimal`);
  const [, sign, whole, fraction = ''] = m;
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const dropped = fraction.slice(exponent);
  let minor = Number(whole + kept);
  if (dropped.length > 0) {
    const half = '5'.padEnd(dropped.length, '0');
    if (dropped > half || (dropped === half && minor % 2 === 1)) minor += 1;
  }
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`vendor amount ${value} is too large`);
  return sign && minor !== 0 ? -minor : minor;
}

function numberToPlainDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyFormatError(`vendor amount ${value} is not finite`);
  // toFixed never uses exponent notation below 1e21; 6 places is beyond any currency's precision.
  return value.toFixed(6).replace(/\.?0+$/, '') || '0';
}

export function assertMinorUnits(minor: number): void {
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`${minor} is not an integer amount`);
}
