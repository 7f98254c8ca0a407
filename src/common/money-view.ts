import { formatMinorUnits } from '../../core/money/money';

/**
 * Workflow answers carry integer minor units in fields named `...Minor`; the API shows them as
 * decimal strings under the name without the suffix (`totalMinor: 1050` -> `total: "10.50"`).
 * One rule for every response, so no endpoint can forget a conversion.
 */
export function toApiMoney<T>(value: T, currency: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toApiMoney(v, currency));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.endsWith('Minor') && typeof v === 'number') out[key.slice(0, -'Minor'.length)] = formatMinorUnits(v, currency);
    else out[key] = toApiMoney(v, currency);
  }
  return out;
}
