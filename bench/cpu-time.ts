import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { postgresPids } from './process-usage';

/**
 * Clock ticks a second of /proc/<pid>/stat's times (sysconf(_SC_CLK_TCK), 100 on Linux): the
 * resolution of every figure below is one tick, 10 ms, per process and reading.
 */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU ticks a process and its reaped children have used (utime + stime + cutime + cstime), from the
 * text of /proc/<pid>/stat. The children matter for Postgres: an ended backend's time moves into
 * the postmaster's cutime/cstime when it is reaped, so a sum over every postgres process never loses
 * a backend that came and went between two readings (and never counts one twice).
 */
export function cpuTicksOfStat(stat: string): number {
  // Field 2, the command, is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
}

async function cpuMsOf(pid: number): Promise<number | undefined> {
  try {
    return (cpuTicksOfStat(await readFile(`/proc/${pid}/stat`, 'utf8')) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined; // ended between listing and reading (a Postgres backend), or not Linux
  }
}

/** CPU milliseconds used so far by each named process, and by every postgres process summed (`postgres`). */
export async function readCpuMs(pids: Record<string, number | undefined>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const ms = pid === undefined ? undefined : await cpuMsOf(pid);
    if (ms !== undefined) out[name] = ms;
  }
  const postgres = await Promise.all((await postgresPids()).map(cpuMsOf));
  if (postgres.some((ms) => ms !== undefined)) out.postgres = postgres.reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
  return out;
}
