import { cpuMsPerCheckout } from '../../bench/cpu-per-checkout';
import { cpuTicksOfStat } from '../../bench/cpu-time';
import { groupOf, summarizeProfiles, type CpuProfile } from '../../bench/profile/cpu-profile-summary';

describe('bench CPU time per checkout', () => {
  it('reads utime + stime + cutime + cstime from /proc/<pid>/stat, even when the command has spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    const stat = '4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 123 456 789';
    expect(cpuTicksOfStat(stat)).toBe(250 + 50 + 7 + 3);
  });

  it('divides each process\'s CPU time between the run\'s start and end by its successful checkouts, and totals them', () => {
    const c = cpuMsPerCheckout({ api: 1000, worker: 5000, postgres: 200 }, { api: 1400, worker: 9000, postgres: 600, load: 80 }, 40);
    expect(c.perProcess).toEqual({ api: 10, worker: 100, postgres: 10 });
    expect(c.total).toBe(120);
    expect(c.checkouts).toBe(40);
    expect(cpuMsPerCheckout({ api: 1 }, { api: 2 }, 0).perProcess.api).toBeNaN();
  });
});

describe('worker CPU profile summary', () => {
  const root = '/repo';
  it('groups a function by npm package, Node built-ins, V8 or project file', () => {
    expect(groupOf('file:///repo/node_modules/@temporalio/worker/lib/worker.js', 'run', root)).toBe('@temporalio/worker');
    expect(groupOf('file:///repo/node_modules/pg/lib/client.js', 'query', root)).toBe('pg');
    expect(groupOf('node:internal/streams/readable', 'read', root)).toBe('node built-ins');
    expect(groupOf('', '(garbage collector)', root)).toBe('(garbage collector)');
    expect(groupOf('evalmachine.<anonymous>', '__TEMPORAL_CALL_INTO_SCOPE', root)).toBe('workflow vm scripts');
    expect(groupOf('file:///repo/dist/activities/checkout.activities.js', 'reserve', root)).toBe('dist/activities/checkout.activities.js');
  });

  it('counts self time only for samples inside the measured windows, idle excluded', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'encode', url: 'file:///repo/node_modules/protobufjs/x.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'reserve', url: 'file:///repo/dist/activities/a.js', lineNumber: 0 } },
      ],
      startTime: 0,
      // samples at t = 1000, 2000, 3000, 4000, 5000 µs; each lasts until the next (1000 µs)
      samples: [2, 3, 1, 2, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const s = summarizeProfiles([profile], [[1500, 4500]], root);
    expect(s.totalMs).toBe(2); // the samples at 2000 (reserve) and 4000 (encode); 3000 is idle
    expect(s.groups.map((g) => [g.name, g.selfMs])).toEqual([
      ['dist/activities/a.js', 1],
      ['protobufjs', 1],
    ]);
    expect(s.functions.map((f) => f.name)).toEqual(['reserve a.js:1', 'encode x.js:10']);
  });

  it('charges a native function to the package that called it, through Node\'s own JavaScript', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: 'flush', url: 'file:///repo/node_modules/pino/lib/x.js', lineNumber: 0 }, children: [3] },
        { id: 3, callFrame: { functionName: 'Writable.write', url: 'node:internal/streams/writable', lineNumber: 0 }, children: [2] },
        { id: 2, callFrame: { functionName: 'writev', url: '', lineNumber: -1 } },
      ],
      startTime: 0,
      samples: [2, 2],
      timeDeltas: [1000, 1000],
    };
    expect(summarizeProfiles([profile], [[0, 5000]], root).groups).toEqual([{ name: 'pino (native)', selfMs: 1, share: 1 }]);
  });
});
