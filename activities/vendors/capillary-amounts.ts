import { fromVendorAmount } from '../../core/money/money';
import { bool, multiplyDecimal, str, type Json } from './capillary-envelope';

/** Capillary's decimal amounts (numbers or strings, in the org's currency) as our minor units. */

export function money(value: unknown, currency: string): number | undefined {
  return typeof value === 'number' || typeof value === 'string' ? fromVendorAmount(value, currency) : undefined;
}

/** points_redeem_value is the points' worth in the org's currency; the ratio is the fallback. */
export function pointsValue(redeemable: Json, points: number, currency: string): number | undefined {
  const direct = money(redeemable.points_redeem_value, currency);
  if (direct !== undefined) return direct;
  const ratio = redeemable.points_currency_ratio;
  const product = typeof ratio === 'number' || typeof ratio === 'string' ? multiplyDecimal(points, ratio) : undefined;
  return product === undefined ? undefined : fromVendorAmount(product, currency);
}

/**
 * An absolute coupon is worth its value; a percentage coupon (is_absolute false, discount_type PERC)
 * its percentage of the bill, when the bill is known.
 */
export function couponValue(data: Json, series: Json, currency: string, billAmountMinor?: number): number | undefined {
  const absolute = data.is_absolute !== undefined ? bool(data.is_absolute) : str(series.discount_type)?.toUpperCase() === 'ABS';
  const value = data.coupon_value ?? series.discount_value;
  if (absolute) return money(value, currency);
  return billAmountMinor === undefined ? undefined : percentageOf(billAmountMinor, value);
}

/**
 * `percent` % of an amount in minor units, rounded down to a whole minor unit, so the discount never
 * exceeds the percentage; exact (integer arithmetic). Undefined for anything but 0 to 100 as a decimal.
 */
export function percentageOf(amountMinor: number, percent: unknown): number | undefined {
  const text = typeof percent === 'number' ? String(percent) : typeof percent === 'string' ? percent.trim() : '';
  const m = /^(\d{1,3})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m || !Number.isSafeInteger(amountMinor) || amountMinor < 0) return undefined;
  const fraction = m[2] ?? '';
  const scaled = BigInt(m[1] + fraction);
  const hundred = 100n * 10n ** BigInt(fraction.length);
  if (scaled > hundred) return undefined;
  return Number((BigInt(amountMinor) * scaled) / hundred);
}
