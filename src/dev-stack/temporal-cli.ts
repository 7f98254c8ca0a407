import { ensureGoBinary, findGoBinary, TEMPORAL_CLI } from './go-binaries';

export { PROJECT_ROOT, TOOLS_BIN } from './go-binaries';

/**
 * Finds the `temporal` binary: $TEMPORAL_CLI_PATH, then the project's .tools/bin, then PATH.
 * The SDK's own download cannot work here, so this never downloads a prebuilt server.
 */
export function findTemporalBinary(): string | undefined {
  return findGoBinary(TEMPORAL_CLI);
}

/** Finds the binary, or builds it from Go modules into .tools/bin (minutes, the first time). */
export function ensureTemporalBinary(log: (line: string) => void = console.log): Promise<string> {
  return ensureGoBinary(TEMPORAL_CLI, log);
}
