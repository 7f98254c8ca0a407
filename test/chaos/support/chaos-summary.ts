import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { InvariantReport } from '../invariants';

export const SUMMARY_FILE = path.resolve(__dirname, '..', '..', '..', '.data', 'chaos-summary.txt');

/**
 * One line per scenario with its counts, printed and appended to `.data/chaos-summary.txt` so
 * `npm run test:chaos` can repeat every scenario's line after Jest's own output.
 */
export function printScenarioSummary(scenario: string, report: InvariantReport, extra: Record<string, string | number> = {}): string {
  const c = report.counts;
  const fields: Record<string, string | number> = {
    started: c.started,
    completed: c.completed,
    compensated: c.compensated,
    unwound: c.unwound,
    rejected: c.rejected,
    compensation_failed: c.compensationFailed,
    pending: c.notFinal,
    journal_effects: c.journalEffects,
    audit_rows: c.auditRows,
    audit_transitions: c.auditTransitions,
    audit_vendor_calls: c.auditVendorCalls,
    violations: report.violations.length,
    chain: report.chain,
    ...extra,
  };
  const line = `CHAOS ${scenario}: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  process.stdout.write(`${line}\n`);
  mkdirSync(path.dirname(SUMMARY_FILE), { recursive: true });
  appendFileSync(SUMMARY_FILE, `${line}\n`);
  return line;
}
