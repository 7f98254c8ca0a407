import { stringify } from 'csv-stringify/sync';
import type { ReconciliationReport, TillFigures } from './reconciliation.types';

export const RECONCILIATION_CSV_COLUMNS = [
  'section', 'merchant', 'store', 'date', 'time_zone', 'till', 'currency', 'vendor', 'purpose', 'operation',
  'figure', 'value', 'checkout_id', 'exception', 'code', 'reason', 'at',
] as const;
type CsvRow = Partial<Record<(typeof RECONCILIATION_CSV_COLUMNS)[number], string | number | null>>;

/**
 * The report as one CSV table, one figure a row (long format, so a spreadsheet pivots it freely):
 * `store` rows are the store totals, `till` rows each till's, `vendor` rows the vendor calls, and
 * `exception` rows one per exception figure (an exception without figures has one row, figure empty).
 * Figure names are the JSON paths (`sales.totalMinor`); values are integers in minor units or counts.
 */
export function renderReconciliationCsv(report: ReconciliationReport): string {
  const day = { merchant: report.merchant, store: report.store, date: report.date, time_zone: report.timeZone };
  const rows: CsvRow[] = [];
  for (const t of report.totals) rows.push(...figureRows(t).map((r) => ({ ...day, section: 'store', ...r })));
  for (const t of report.tills) rows.push(...figureRows(t).map((r) => ({ ...day, section: 'till', till: t.till, ...r })));
  for (const v of report.vendors) {
    const at = { ...day, section: 'vendor', till: v.till, currency: v.currency, vendor: v.vendor, purpose: v.purpose, operation: v.operation };
    for (const figure of ['succeeded', 'rejected', 'failed', 'unknown', 'amountMinor'] as const) rows.push({ ...at, figure, value: v[figure] });
  }
  for (const x of report.exceptions) {
    const at = { ...day, section: 'exception', till: x.till, currency: x.currency, vendor: x.vendor, checkout_id: x.checkoutId, exception: x.kind, code: x.code, reason: x.reason, at: x.at };
    const figures = Object.entries(x.figures);
    if (figures.length === 0) rows.push(at);
    for (const [figure, value] of figures) rows.push({ ...at, figure, value });
  }
  // Reasons and codes come from vendors' answers: a text cell starting with = + - @ (a formula to
  // Excel or Sheets, OWASP's CSV injection) is written with a leading ' so it shows as text. Numbers
  // (negative figures) are left as they are.
  return stringify(rows, { header: true, columns: [...RECONCILIATION_CSV_COLUMNS], escape_formulas: true });
}

function figureRows(t: TillFigures): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const [group, figures] of Object.entries(t)) {
    if (!figures || typeof figures !== 'object') continue;
    for (const [name, value] of Object.entries(figures as Record<string, number>)) rows.push({ currency: t.currency, figure: `${group}.${name}`, value });
  }
  return rows;
}
