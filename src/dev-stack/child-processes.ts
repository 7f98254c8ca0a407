import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { consoleLineFormatter, parseLogLine, type ConsoleLineOptions, type LogFormat } from './console-lines';

export interface ConsoleOptions extends ConsoleLineOptions {
  format: LogFormat;
}

export interface AdoptOptions {
  /**
   * In `pretty` format, leave out the process's JSON lines once everything is stopping: `warnings`
   * and below (the Temporal dev server's shutdown prints a dozen warnings about its own pollers and
   * dials), or `all` (temporal-server's services log errors about each other as they stop in turn).
   */
  quietWhileStopping?: 'warnings' | 'all';
}

/**
 * The processes `npm start` runs, with each line of their output on the console prefixed by its
 * name (and made readable, see console-lines.ts), and stopped together (newest first) on Ctrl-C or
 * when one of them dies.
 */
export class ChildProcesses {
  private readonly children: Array<{ name: string; child: ChildProcess }> = [];
  /** Stops for what is still starting and not adopted yet (the Postgres-backed server); run last. */
  private readonly cleanups: Array<() => Promise<void>> = [];
  private stopping = false;

  constructor(
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
    private readonly consoleOptions: ConsoleOptions,
  ) {}

  run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.adopt(name, child);
    return child;
  }

  /** Watches a process started elsewhere; its piped stdout and stderr go to the console. */
  adopt(name: string, child: ChildProcess, options: AdoptOptions = {}): void {
    const format = consoleLineFormatter(name, this.consoleOptions.format, this.consoleOptions);
    const quietBelow = this.consoleOptions.format !== 'pretty' ? 0 : { warnings: 50, all: Infinity, none: 0 }[options.quietWhileStopping ?? 'none'];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (this.stopping && Number(parseLogLine(line)?.level ?? Infinity) < quietBelow) return;
        const text = format(line);
        if (text !== undefined) console.log(text);
      });
    }
    child.once('exit', (code) => {
      if (!this.stopping) this.onUnexpectedExit(name, code);
    });
    this.children.push({ name, child });
  }

  /** `stop` runs at the end of stopAll: for processes spawned by a start that has not finished yet. */
  onStop(stop: () => Promise<void>): void {
    this.cleanups.push(stop);
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const { name, child } of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        console.log(`${name} did not stop within ${graceMs} ms; killing it`);
        child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
      console.log(`stopped ${name}`);
    }
    for (const cleanup of this.cleanups) await cleanup();
  }
}
