/** The processes of the CPU tables, in their order; the baseline's process also hosts the peer's worker. */
export const CPU_PROCESSES = ['api', 'worker', 'temporal', 'postgres', 'sandbox', 'baseline', 'load'] as const;
export const CPU_PROCESS_LABELS: Record<(typeof CPU_PROCESSES)[number], string> = {
  api: 'api', worker: 'worker', temporal: 'temporal', postgres: 'postgres', sandbox: 'sandbox', baseline: 'baseline/peer', load: 'load',
};

export interface CpuPerCheckout {
  /** Successful checkouts of the measured run: the divisor. */
  checkouts: number;
  /** CPU ms per successful checkout, by process (a process read at only one end is left out). */
  perProcess: Record<string, number>;
  total: number;
}

/**
 * CPU milliseconds per successful checkout, by process: the difference of each process's CPU time
 * between the start and the end of the measured run, over the run's successful checkouts. NaN when
 * none succeeded (nothing to divide by).
 */
export function cpuMsPerCheckout(before: Record<string, number>, after: Record<string, number>, checkouts: number): CpuPerCheckout {
  const perProcess: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    if (start === undefined) continue;
    perProcess[name] = checkouts > 0 ? (end - start) / checkouts : NaN;
  }
  const total = Object.values(perProcess).reduce((sum, ms) => sum + ms, 0);
  return { checkouts, perProcess, total };
}

/** The report's first table: one row per run, one column per process, then the total. */
export function cpuPerCheckoutTable(runs: Array<{ vendorLatencyMs: number; scenario: { name: string }; target: string; cpuPerCheckout?: CpuPerCheckout & { readAt?: string } }>): string[] {
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : Number.isFinite(v) ? v.toFixed(1) : '–');
  return [
    `| vendors | scenario | target | checkouts | ${CPU_PROCESSES.map((p) => CPU_PROCESS_LABELS[p]).join(' | ')} | total |`,
    `|---|---|---|---|${CPU_PROCESSES.map(() => '---').join('|')}|---|`,
    ...runs.map((r) => {
      const c = r.cpuPerCheckout;
      const cells = CPU_PROCESSES.map((p) => ms(c?.perProcess[p]));
      const divisor = c ? `${c.checkouts}${c.readAt === 'quiet' ? ' completed, read once quiet' : ''}` : 'n/a';
      return `| ${r.vendorLatencyMs} ms | ${r.scenario.name} | ${r.target} | ${divisor} | ${cells.join(' | ')} | ${c ? `**${ms(c.total)}**` : 'n/a'} |`;
    }),
  ];
}
