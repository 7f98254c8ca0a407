import type { LoadSample } from '../load/load-plan';

/** Percentiles by nearest rank over one class of answers (ms from each request's due time). */
export interface AnswerTimes {
  p50: number;
  p99: number;
  max: number;
}

/** What the load generator saw of the overload run, by how each request was answered. */
export interface OverloadAnswers {
  sent: number;
  /** The engine answered (2xx, 422 refused by a vendor, 502 failed and undone): the API took it. */
  accepted: number;
  /** 503 before anything started (load shedding, or Temporal's rate limit). */
  refused: number;
  /** Any other answer (a 4xx, a 500): a bench or API defect, listed by status. */
  other: Record<string, number>;
  /** No answer within budget + margin: must be 0. */
  hanging: number;
  /** Answered (accepted or refused) within the budget, of all sent. */
  withinBudget: number;
  acceptedTimes: AnswerTimes;
  refusedTimes: AnswerTimes;
  acceptedByStatus: Record<string, number>;
}

export function isAccepted(s: LoadSample): boolean {
  return (s.status >= 200 && s.status < 300) || s.status === 422 || s.status === 502;
}

export function isRefused(s: LoadSample): boolean {
  return s.status === 503;
}

/** Classifies every sample; a sample without status (the client's timeout, a reset) is hanging. */
export function summarizeAnswers(samples: LoadSample[], budgetMs: number): OverloadAnswers {
  const accepted = samples.filter(isAccepted);
  const refused = samples.filter(isRefused);
  const other: Record<string, number> = {};
  const acceptedByStatus: Record<string, number> = {};
  for (const s of samples) {
    if (s.status !== 0 && !isAccepted(s) && !isRefused(s)) other[s.status] = (other[s.status] ?? 0) + 1;
    if (isAccepted(s)) acceptedByStatus[s.status] = (acceptedByStatus[s.status] ?? 0) + 1;
  }
  return {
    sent: samples.length,
    accepted: accepted.length,
    refused: refused.length,
    other,
    hanging: samples.filter((s) => s.status === 0).length,
    withinBudget: [...accepted, ...refused].filter((s) => s.latencyMs <= budgetMs).length,
    acceptedTimes: timesOf(accepted),
    refusedTimes: timesOf(refused),
    acceptedByStatus,
  };
}

function timesOf(samples: LoadSample[]): AnswerTimes {
  const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
  return { p50: rank(50), p99: rank(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

export interface OverloadReport {
  startedAt: string;
  machine: string;
  vendorLatencyMs: number;
  budgetMs: number;
  marginMs: number;
  /** Completed checkouts per second of the probe (or --capacity), and how it was found. */
  capacity: { perSecond: number; how: string };
  offeredPerSecond: number;
  durationSeconds: number;
  /** The rate the generator actually sent at (sent / scheduled seconds). */
  sentPerSecond: number;
  maxSendLagMs: number;
  answers: OverloadAnswers;
  /** Of the refused requests: workflows Temporal knows, and rows in the checkouts projection. Both must be 0. */
  refusedSagas: { workflows: number; rows: number };
  /** Of the accepted ones, once the sagas settled: final states, and how many are not final. */
  acceptedEnded: { byState: Record<string, number>; notFinal: number };
  invariants: Array<{ name: string; pass: boolean; detail: string }>;
}

/** The proof's own verdict: every request answered in time, no saga for a refusal, every accepted saga ended. */
export function overloadVerdict(r: Pick<OverloadReport, 'answers' | 'refusedSagas' | 'acceptedEnded'>): Array<{ name: string; pass: boolean }> {
  return [
    { name: 'no request left hanging (no answer within budget + margin)', pass: r.answers.hanging === 0 },
    { name: 'every request answered within its budget, accepted or refused', pass: r.answers.withinBudget === r.answers.sent },
    { name: 'no saga and no checkouts row for a refused request', pass: r.refusedSagas.workflows === 0 && r.refusedSagas.rows === 0 },
    { name: 'every accepted checkout ended in a final state', pass: r.acceptedEnded.notFinal === 0 },
    { name: 'no other answer than accepted or 503', pass: Object.keys(r.answers.other).length === 0 },
  ];
}

export function overloadMarkdown(r: OverloadReport): string {
  const a = r.answers;
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
  const pct = (n: number) => (a.sent ? ((100 * n) / a.sent).toFixed(1) : '–');
  const verdict = overloadVerdict(r);
  return [
    `# Overload benchmark ${r.startedAt}`,
    '',
    `Machine: ${r.machine}. Vendors answer in ${r.vendorLatencyMs} ms. Each request: the reference one-shot checkout, \`Till-Budget-Ms: ${r.budgetMs}\`, client timeout ${r.budgetMs + r.marginMs} ms; times from each request's due time (open model).`,
    '',
    '| figure | value |',
    '|---|---|',
    `| capacity (completed checkouts/s) | ${r.capacity.perSecond.toFixed(1)} (${r.capacity.how}) |`,
    `| offered | ${r.offeredPerSecond.toFixed(1)}/s for ${r.durationSeconds} s (sent ${r.sentPerSecond.toFixed(1)}/s, max send lag ${ms(r.maxSendLagMs)} ms) |`,
    `| sent | ${a.sent} |`,
    `| accepted | ${a.accepted} (${pct(a.accepted)} %) ${JSON.stringify(a.acceptedByStatus)} |`,
    `| refused 503 | ${a.refused} (${pct(a.refused)} %) |`,
    `| other answers | ${JSON.stringify(a.other)} |`,
    `| answered within budget | ${a.withinBudget} (${pct(a.withinBudget)} %) |`,
    `| accepted answer time p50 / p99 / max (ms) | ${ms(a.acceptedTimes.p50)} / ${ms(a.acceptedTimes.p99)} / ${ms(a.acceptedTimes.max)} |`,
    `| refused answer time p50 / p99 / max (ms) | ${ms(a.refusedTimes.p50)} / ${ms(a.refusedTimes.p99)} / ${ms(a.refusedTimes.max)} |`,
    `| hanging (no answer within ${r.budgetMs + r.marginMs} ms) | **${a.hanging}** |`,
    `| sagas started for refused requests (Temporal workflows / checkouts rows) | **${r.refusedSagas.workflows} / ${r.refusedSagas.rows}** |`,
    `| accepted checkouts ended | ${JSON.stringify(r.acceptedEnded.byState)}; not final: **${r.acceptedEnded.notFinal}** |`,
    '',
    '## Verdict',
    '',
    ...verdict.map((v) => `- ${v.pass ? 'PASS' : 'FAIL'} ${v.name}`),
    '',
    '## Saga invariants of the accepted checkouts',
    '',
    ...r.invariants.map((i) => `- ${i.pass ? 'PASS' : 'FAIL'} ${i.name}: ${i.detail}`),
    '',
  ].join('\n');
}
