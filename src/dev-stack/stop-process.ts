import type { ChildProcess } from 'node:child_process';

/**
 * SIGTERM, then resolves once the process has exited (at once if it already has). With `graceMs`,
 * a process still running after it gets SIGKILL; without, it is waited for however long it takes.
 */
export function stopProcess(child: ChildProcess, graceMs?: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
