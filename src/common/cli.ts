import { parseArgs } from 'node:util';

/**
 * What the operator CLIs (`npm run keys`, `npm run stores`) share: strict argument parsing whose
 * mistakes are usage errors, and one way to end: 0 done, 1 failed, 2 wrong usage (with the usage).
 */
export class UsageError extends Error {}

export type CliValues = Record<string, string | boolean | string[] | undefined>;
type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export function parseCliArgs(args: string[], options: Options, allowPositionals = false): { values: CliValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values: values as CliValues, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs a CLI's command as the process's main and exits with its code. */
export function runCliMain(name: string, usage: string, run: () => Promise<number>): void {
  run()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      if (err instanceof UsageError) {
        console.error(`${name}: ${err.message}\n${usage}`);
        process.exit(2);
      }
      console.error(`${name} failed:`, err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
