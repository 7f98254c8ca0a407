import { execFile } from 'node:child_process';
import pidusage from 'pidusage';

export interface ProcessUsage {
  avgCpuPercent: number;
  maxCpuPercent: number;
  maxRssMb: number;
  samples: number;
}

/**
 * CPU and memory of each process the checkout touches, sampled every second with pidusage. Postgres
 * is every `postgres` process on the machine (the postmaster and its backends), summed: it is shared
 * with whatever else runs here, so read its figure as an upper bound. CPU % is of one core (200 % =
 * both cores of this machine).
 */
export class ProcessUsageSampler {
  private readonly series = new Map<string, Array<{ cpu: number; rssMb: number }>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  async stop(): Promise<Record<string, ProcessUsage>> {
    clearInterval(this.timer);
    const out: Record<string, ProcessUsage> = {};
    for (const [name, points] of this.series) {
      if (!points.length) continue;
      out[name] = {
        avgCpuPercent: points.reduce((s, p) => s + p.cpu, 0) / points.length,
        maxCpuPercent: Math.max(...points.map((p) => p.cpu)),
        maxRssMb: Math.max(...points.map((p) => p.rssMb)),
        samples: points.length,
      };
    }
    return out;
  }

  private async sample(): Promise<void> {
    const named = Object.entries(this.pids()).filter((e): e is [string, number] => e[1] !== undefined);
    const postgres = await postgresPids();
    const all = [...named.map(([, pid]) => pid), ...postgres];
    if (!all.length) return;
    let stats: Record<string, { cpu: number; memory: number } | null | undefined>;
    try {
      stats = (await pidusage(all)) as Record<string, { cpu: number; memory: number } | null>;
    } catch {
      return; // a Postgres backend ended between listing and sampling: skip this second
    }
    const add = (name: string, cpu: number, rss: number) => {
      const list = this.series.get(name) ?? [];
      list.push({ cpu, rssMb: rss / 1024 / 1024 });
      this.series.set(name, list);
    };
    for (const [name, pid] of named) {
      const s = stats[pid];
      if (s) add(name, s.cpu, s.memory);
    }
    const pg = postgres.map((pid) => stats[pid]).filter((s): s is { cpu: number; memory: number } => Boolean(s));
    if (pg.length) add('postgres', pg.reduce((sum, s) => sum + s.cpu, 0), pg.reduce((sum, s) => sum + s.memory, 0));
  }
}

/** Every `postgres` process on the machine: the postmaster and its backends. */
export function postgresPids(): Promise<number[]> {
  return new Promise((resolve) => {
    execFile('pgrep', ['-x', 'postgres'], (err, stdout) => {
      resolve(err ? [] : stdout.split('\n').filter(Boolean).map(Number));
    });
  });
}
