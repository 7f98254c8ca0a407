import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioRun } from '../run-scenario';
import { profileSummaryMarkdown, summarizeProfiles, type CpuProfile } from './cpu-profile-summary';

/**
 * --profile-worker: the worker's .cpuprofile files (its main thread and the workflow threads), read
 * once the worker has exited and written them, summarised over the saga's measured one-shot runs only
 * (no start-up, bundling, warm-up, invariant checks or three-call flow).
 */
export function summarizeWorkerProfile(dir: string, runs: ScenarioRun[], root: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return `No worker profile in ${dir}: did the worker exit cleanly?\n`;
  const profiles = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
  // The one-shot only: the reference checkout the baseline and the peer also run (not the three-call flow).
  const sagaRuns = runs.filter((r) => r.target === 'saga' && r.scenario.kind !== 'three-call');
  const summary = summarizeProfiles(profiles, sagaRuns.map((r) => r.monotonicWindowUs), root);
  const checkouts = sagaRuns.reduce((n, r) => n + r.cpuPerCheckout.checkouts, 0);
  const scenarios = sagaRuns.map((r) => `${r.vendorLatencyMs} ms ${r.scenario.name}`).join(', ');
  return `Worker CPU profile (${files.length} profiles: main thread and workflow threads), measured one-shot saga runs: ${scenarios}.\n\n${profileSummaryMarkdown(summary, checkouts)}`;
}
