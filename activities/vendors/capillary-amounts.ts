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

/** Only an absolute coupon has a money value; a percentage depends on the bill. */
export function couponValue(data: Json, series: Json, currency: string): number | undefined {
  const absolute = data.is_absolute !== undefined ? bool(data.is_absolute) : str(series.discount_type)?.toUpperCase() === 'ABS';
  if (!absolute) return undefined;
  return money(data.coupon_value ?? series.discount_value, currency);
}
