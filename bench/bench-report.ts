import os from 'node:os';
import { CPU_PROCESS_LABELS, CPU_PROCESSES, cpuPerCheckoutTable } from './cpu-per-checkout';
import type { ScenarioRun } from './run-scenario';
import { TILL_CALLS } from './load/load-plan';

/** design.md §9 */
export const TARGETS = { overheadP50Ms: 40, overheadP99Ms: 150, sustainedRate: 40, sustainedP99Ms: 1000 };

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  profile: string;
  /** Which Temporal ran (kind, shards, persistence), so results side by side are unambiguous; absent in older results. */
  temporal?: string;
  machine: { cores: number; cpu: string; memoryGb: number; node: string; platform: string; loadAverageAtStart: number[] };
  notes: string[];
  runs: ScenarioRun[];
  comparisons: Comparison[];
  p99PassesOneSecondAt: Record<string, string>;
  invariantsPass: boolean;
}

export interface Comparison {
  vendorLatencyMs: number;
  scenario: string;
  /** What the saga is compared with: the direct calls (the design's targets) or the Temporal-sample-style peer. */
  against: 'baseline' | 'peer';
  ratio: { p50: number; p90: number; p99: number };
  overheadMs: { p50: number; p90: number; p99: number };
  /** Against the unloaded targets (40 / 150 ms); only judged for the unloaded scenario against the baseline. */
  meetsOverheadTarget?: boolean;
}

/** Each saga run against the baseline's and the peer's run of the same scenario and vendor latency. */
export function compare(runs: ScenarioRun[]): Comparison[] {
  const out: Comparison[] = [];
  for (const saga of runs.filter((r) => r.target === 'saga')) {
    for (const against of ['baseline', 'peer'] as const) {
      const other = runs.find((r) => r.target === against && r.scenario.name === saga.scenario.name && r.vendorLatencyMs === saga.vendorLatencyMs);
      if (!other) continue;
      const s = saga.stats;
      const b = other.stats;
      const c: Comparison = {
        vendorLatencyMs: saga.vendorLatencyMs,
        scenario: saga.scenario.name,
        against,
        ratio: { p50: s.p50 / b.p50, p90: s.p90 / b.p90, p99: s.p99 / b.p99 },
        overheadMs: { p50: s.p50 - b.p50, p90: s.p90 - b.p90, p99: s.p99 - b.p99 },
      };
      if (against === 'baseline' && saga.scenario.kind === 'unloaded') {
        c.meetsOverheadTarget = c.overheadMs.p50 <= TARGETS.overheadP50Ms && c.overheadMs.p99 <= TARGETS.overheadP99Ms;
      }
      out.push(c);
    }
  }
  return out;
}

/** Per vendor latency: the first ramp rate whose p99 passed 1 s (or that had errors), from the saga's steps. */
export function p99PassesOneSecond(runs: ScenarioRun[]): Record<string, string> {
  const out: Record<string, string> = {};
  const ramps = runs.filter((r) => r.target === 'saga' && r.scenario.kind === 'ramp');
  for (const latency of [...new Set(ramps.map((r) => r.vendorLatencyMs))]) {
    const steps = ramps.filter((r) => r.vendorLatencyMs === latency).sort((a, b) => a.scenario.rate - b.scenario.rate);
    const broken = steps.find((r) => !(r.stats.p99 <= TARGETS.sustainedP99Ms) || r.stats.errors > 0);
    out[`${latency} ms`] = broken
      ? `${broken.scenario.rate}/s (p99 ${fmt(broken.stats.p99)} ms, ${broken.stats.errors} errors)`
      : `not reached up to ${steps[steps.length - 1].scenario.rate}/s`;
  }
  return out;
}

export function machineInfo(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `# Benchmark ${report.startedAt} (${report.profile})`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    ...report.notes.map((n) => `- ${n}`),
    '',
    '## CPU ms per checkout (CPU time of each process during the measured run ÷ its successful checkouts)',
    '',
    ...cpuPerCheckoutTable(report.runs),
    '',
    '## Latency and throughput (ms; percentiles of successful checkouts, from each request\'s due time)',
    '',
    '| vendors | scenario | target | offered | sent | ok | errors | p50 | p90 | p99 | max | checkouts/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.runs.map((r) => {
      const s = r.stats;
      const offered = r.scenario.mode === 'sequential' ? 'one at a time' : `${r.scenario.rate}/s × ${r.scenario.seconds} s`;
      return `| ${r.vendorLatencyMs} ms | ${r.scenario.name} | ${r.target} | ${offered} | ${s.sent} | ${s.ok} | ${s.errors} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${s.throughput.toFixed(1)} |`;
    }),
    '',
    ...threeCallTable(report.runs),
    `## Saga vs baseline and vs peer (ratio saga/other; overhead = saga − other; target, against the baseline, unloaded p50 ≤ ${TARGETS.overheadP50Ms} ms, p99 ≤ ${TARGETS.overheadP99Ms} ms)`,
    '',
    '| vendors | scenario | saga vs | ratio p50 | ratio p90 | ratio p99 | overhead p50 | overhead p90 | overhead p99 | target |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.comparisons.map(
      (c) =>
        `| ${c.vendorLatencyMs} ms | ${c.scenario} | ${c.against} | ${ratio(c.ratio.p50)} | ${ratio(c.ratio.p90)} | ${ratio(c.ratio.p99)} | ${fmt(c.overheadMs.p50)} | ${fmt(c.overheadMs.p90)} | ${fmt(c.overheadMs.p99)} | ${c.meetsOverheadTarget === undefined ? '' : c.meetsOverheadTarget ? 'met' : '**missed**'} |`,
    ),
    '',
    `Rate at which the saga's p99 passes 1 s (ramp): ${Object.entries(report.p99PassesOneSecondAt).map(([k, v]) => `vendors at ${k}: ${v}`).join('; ') || 'no ramp run'}.`,
    '',
    '## CPU (avg / max % of one core) and max RSS (MB) per process',
    '',
    `| vendors | scenario | target | ${CPU_PROCESSES.map((p) => CPU_PROCESS_LABELS[p]).join(' | ')} |`,
    `|---|---|---|${CPU_PROCESSES.map(() => '---').join('|')}|`,
    ...report.runs.map(
      (r) =>
        `| ${r.vendorLatencyMs} ms | ${r.scenario.name} | ${r.target} | ${CPU_PROCESSES.map((p) => {
          const u = r.usage[p];
          return u ? `${u.avgCpuPercent.toFixed(0)} / ${u.maxCpuPercent.toFixed(0)} % · ${u.maxRssMb.toFixed(0)}` : 'n/a';
        }).join(' | ')} |`,
    ),
    '',
    '## Invariants',
    '',
    '| vendors | scenario | target | invariant | result | detail |',
    '|---|---|---|---|---|---|',
    ...report.runs.flatMap((r) =>
      r.invariants.map((i) => `| ${r.vendorLatencyMs} ms | ${r.scenario.name} | ${r.target} | ${i.name} | ${i.pass ? 'PASS' : '**FAIL**'} | ${i.detail.replace(/\|/g, '\\|')} |`),
    ),
    '',
    `Invariants overall: ${report.invariantsPass ? 'PASS' : '**FAIL**'}.`,
  ];
  const errors = report.runs.filter((r) => r.stats.errors > 0);
  if (errors.length) {
    lines.push('', '## Errors', '');
    for (const r of errors) lines.push(`- ${r.vendorLatencyMs} ms, ${r.scenario.name}, ${r.target}: ${Object.entries(r.stats.errorKinds).slice(0, 5).map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The three-call flow's p50/p99 per call and for the whole flow; nothing when it did not run. */
function threeCallTable(runs: ScenarioRun[]): string[] {
  const flows = runs.filter((r) => r.callStats);
  if (!flows.length) return [];
  const parts = [...TILL_CALLS, 'flow'] as const;
  return [
    "## The till's three calls (ms; each call's latency over the checkouts whose whole flow succeeded, sequential)",
    '',
    `| vendors | scenario | target | ${parts.map((p) => `${p} p50 | ${p} p99`).join(' | ')} |`,
    `|---|---|---|${parts.map(() => '---|---').join('|')}|`,
    ...flows.map((r) => `| ${r.vendorLatencyMs} ms | ${r.scenario.name} | ${r.target} | ${parts.map((p) => `${fmt(r.callStats![p].p50)} | ${fmt(r.callStats![p].p99)}`).join(' | ')} |`),
    '',
  ];
}

function ratio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(1)}×` : '–';
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(0) : '–';
}
