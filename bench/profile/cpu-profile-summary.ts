/** The parts of a V8 .cpuprofile (node --cpu-prof) the summary reads. Times in µs on the monotonic clock. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Of the summary's total (idle excluded). */
  share: number;
}

export interface ProfileSummary {
  /** Sampled time inside the windows, idle excluded (wall time in code: above CPU time on contended cores). */
  totalMs: number;
  groups: SelfTime[];
  functions: Array<SelfTime & { group: string }>;
}

/**
 * Where a function lives: its npm package, Node's built-ins, V8 itself ("(garbage collector)",
 * "(program)"), the workflow bundle the worker evaluates, or the project file (relative to `root`);
 * "(native)" for a native function, which the summary charges to its caller's group.
 */
export function groupOf(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node built-ins';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const file = url.replace(/^file:\/\//, '');
  if (/workflow-bundle/.test(file)) return 'workflow bundle';
  // Scripts the SDK runs in the workflow's vm context (its call-into-scope trampoline).
  if (file.startsWith('evalmachine.')) return 'workflow vm scripts';
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/**
 * Self time per group and per function, summed over every profile (the main thread's and each
 * worker thread's), counting only the samples taken inside one of `windows` ([from, to] µs).
 * A sample's time is the interval to the next sample.
 */
export function summarizeProfiles(profiles: CpuProfile[], windows: Array<[number, number]>, root: string, top = 25): ProfileSummary {
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, { group: string; us: number }>();
  let totalUs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parents = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)));
    // A native function (writev, runInContext, postMessage) is charged to the package that called
    // it, through Node's own JavaScript (a socket's writev to whoever wrote to the socket).
    const callerGroup = (id: number): string => {
      let builtIn = false;
      for (let p = parents.get(id); p !== undefined; p = parents.get(p)) {
        const caller = nodes.get(p);
        if (!caller?.url) continue;
        const group = groupOf(caller.url, caller.functionName, root);
        if (group !== 'node built-ins') return `${group} (native)`;
        builtIn = true;
      }
      return builtIn ? 'node built-ins (native)' : '(native)';
    };
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const us = profile.timeDeltas[i + 1] ?? 0;
      const frame = nodes.get(profile.samples[i]);
      if (!frame || frame.functionName === '(idle)' || !windows.some(([from, to]) => t >= from && t <= to)) continue;
      const own = groupOf(frame.url, frame.functionName, root);
      const group = own === '(native)' ? callerGroup(profile.samples[i]) : own;
      const file = frame.url ? ` ${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : '';
      const name = `${frame.functionName || '(anonymous)'}${file}`;
      totalUs += us;
      byGroup.set(group, (byGroup.get(group) ?? 0) + us);
      const f = byFunction.get(`${group}\u0000${name}`) ?? { group, us: 0 };
      f.us += us;
      byFunction.set(`${group}\u0000${name}`, f);
    }
  }
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  return {
    totalMs: totalUs / 1000,
    groups: [...byGroup].map(([name, us]) => ({ name, selfMs: us / 1000, share: share(us) })).sort((a, b) => b.selfMs - a.selfMs),
    functions: [...byFunction]
      .map(([key, f]) => ({ name: key.split('\u0000')[1], group: f.group, selfMs: f.us / 1000, share: share(f.us) }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}

/** The summary as Markdown: groups (those over 0.5 %), then the top functions. */
export function profileSummaryMarkdown(summary: ProfileSummary, checkouts: number): string {
  const pct = (s: number) => `${(s * 100).toFixed(1)} %`;
  const perCheckout = (ms: number) => (checkouts > 0 ? (ms / checkouts).toFixed(2) : '–');
  return [
    `Sampled time in the worker's threads during the measured runs: ${summary.totalMs.toFixed(0)} ms over ${checkouts} completed checkouts (${perCheckout(summary.totalMs)} ms each), idle excluded.`,
    "V8 samples a thread's wall time whenever it is not idle, so on contended cores these milliseconds exceed its CPU time (the CPU table has that): read the shares.",
    '',
    '| self time by package / file | ms | ms per checkout | share |',
    '|---|---|---|---|',
    ...summary.groups.filter((g) => g.share >= 0.005).map((g) => `| ${g.name} | ${g.selfMs.toFixed(0)} | ${perCheckout(g.selfMs)} | ${pct(g.share)} |`),
    '',
    '| top functions by self time | package / file | ms | share |',
    '|---|---|---|---|',
    ...summary.functions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.group} | ${f.selfMs.toFixed(0)} | ${pct(f.share)} |`),
    '',
  ].join('\n');
}
