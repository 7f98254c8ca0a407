import type { AppConfig } from '../../core/config/app-config';

/**
 * Which Temporal `npm start` uses: `dev` runs `temporal server start-dev` (SQLite, one shard),
 * `postgres` runs a Postgres-backed multi-shard server, `external` runs none and connects to
 * TEMPORAL_ADDRESS as it is.
 */
export type TemporalMode = 'dev' | 'postgres' | 'external';

const MODES: readonly TemporalMode[] = ['dev', 'postgres', 'external'];

/**
 * The mode from `--temporal=<mode>` (or `--temporal <mode>`) and the config. TEMPORAL_MANAGED=false
 * means external and contradicts a managed mode on the command line. Without either, a
 * TEMPORAL_ADDRESS off this machine means external (as before the switch existed), else dev.
 */
export function resolveTemporalMode(
  argv: readonly string[],
  config: Pick<AppConfig, 'TEMPORAL_MANAGED' | 'TEMPORAL_ADDRESS' | 'temporalTls' | 'TEMPORAL_API_KEY'>,
): TemporalMode {
  const asked = temporalArgument(argv);
  if (asked !== undefined && !MODES.includes(asked as TemporalMode)) {
    throw new Error(`--temporal=${asked} is not a mode: use --temporal=dev (the default), --temporal=postgres or --temporal=external`);
  }
  const mode = asked as TemporalMode | undefined;
  const local = isLocalAddress(config.TEMPORAL_ADDRESS);
  if (config.TEMPORAL_MANAGED === 'false') {
    if (mode && mode !== 'external') throw new Error(`--temporal=${mode} starts a server, but TEMPORAL_MANAGED=false says to use the one at TEMPORAL_ADDRESS`);
    return 'external';
  }
  if (mode && mode !== 'external' && !local) {
    throw new Error(`--temporal=${mode} starts a server on this machine, but TEMPORAL_ADDRESS is ${config.TEMPORAL_ADDRESS}: use a 127.0.0.1 address, or --temporal=external`);
  }
  const resolved = mode ?? (local ? 'dev' : 'external');
  // The servers npm start runs are plaintext: TLS or an API key left in the environment (after trying
  // Temporal Cloud, say) would fail every connection after the server is up. Said before anything starts.
  if (resolved !== 'external' && (config.temporalTls || config.TEMPORAL_API_KEY)) {
    throw new Error(`--temporal=${resolved} starts a plaintext server, but TEMPORAL_TLS*/TEMPORAL_API_KEY are set: unset them, or use --temporal=external`);
  }
  return resolved;
}

function temporalArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i].startsWith('--temporal=')) return argv[i].slice('--temporal='.length);
    if (argv[i] === '--temporal') return argv[i + 1] ?? '';
  }
  return undefined;
}

function isLocalAddress(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host === '127.0.0.1' || host === 'localhost';
}
