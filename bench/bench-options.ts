import { parseArgs } from 'node:util';

/** dev: `temporal server start-dev` (as npm start); postgres: temporal-server on Postgres; external: TEMPORAL_ADDRESS, started by nobody here. */
export type BenchTemporalKind = 'dev' | 'postgres' | 'external';
const TEMPORAL_KINDS: readonly BenchTemporalKind[] = ['dev', 'postgres', 'external'];

export interface Scenario {
  /** Short name for tables: `unloaded`, `sustained 40/s`, `ramp 20/s`. */
  name: string;
  kind: 'unloaded' | 'sustained' | 'ramp' | 'three-call';
  mode: 'open' | 'sequential';
  rate: number;
  seconds: number;
  /** Sequential scenarios send a fixed count, the same for saga and baseline. */
  count?: number;
  /** The peer and the baseline run it too (the saga always does). */
  baseline: boolean;
  /** three-call: the till's reserve, commit and complete through the API; otherwise the one-shot. */
  flow?: 'one-shot' | 'three-call';
}

export interface BenchOptions {
  vendorLatenciesMs: number[];
  scenarios: Scenario[];
  attachUrl?: string;
  sandboxUrl?: string;
  databaseUrl?: string;
  /** Which Temporal the saga and the peer run on (bench-temporal.ts); ignored when attached. */
  temporal: BenchTemporalKind;
  /** The dev server's persistence (dev only). */
  temporalDb: 'file' | 'memory';
  profile: 'quick' | 'default' | 'full';
  /** Sequential checkouts before each target's measured run, counted in no figure. */
  warmup: number;
  /** Profile the worker (--cpu-prof) and summarise its self time during the saga's measured runs. */
  profileWorker: boolean;
}

export const USAGE = `npm run bench -- [options]
  --quick                 short steps, for development (longer when the stack cannot keep up)
  --full                  the design's figure: 40/s for 300 s (plus the unloaded run and the ramp)
  --duration <s>          seconds of the sustained scenario (default 60; --full 300; --quick 10)
  --rate <n>              sustained arrival rate, checkouts/s (default 40)
  --ramp <r1,r2,...>      ramp rates, checkouts/s (default 10,20,30,40,50; --quick 20,40,60); "" for none
  --step <s>              seconds per ramp step (default 10; --quick 5)
  --ramp-baseline         run the baseline on every ramp step too
  --unloaded <n>          sequential checkouts in the unloaded scenario and in the three-call one (default 60; --quick 20); 0 for none
  --warmup <n>            sequential checkouts before each target's measured run, in no figure (default 5)
  --profile-worker        run the worker with --cpu-prof; summarise its top self time in the measured one-shot saga runs
  --latency <ms,...>      sandbox vendor latencies (default 0,50)
  --temporal <dev|postgres|external>  the Temporal to run on: dev (default) the dev server, as npm start;
                          postgres temporal-server on Postgres (databases temporal_bench and temporal_visibility_bench,
                          recreated each run, TEMPORAL_HISTORY_SHARDS shards, default 4); external the server of
                          TEMPORAL_ADDRESS with its TLS/API key settings (not started, not measured)
  --temporal-db <file|memory>  dev server persistence (default file, as npm start); --temporal dev only
  --url <http://host:port>     attach to a running API instead of starting a stack (its processes are not measured)
  --sandbox-url <url>     with --url: the sandbox it uses (default http://127.0.0.1:4010)
  --database-url <url>    with --url: its database, for the invariants`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rate: { type: 'string', default: '40' },
      ramp: { type: 'string' },
      step: { type: 'string' },
      'ramp-baseline': { type: 'boolean', default: false },
      unloaded: { type: 'string' },
      latency: { type: 'string', default: '0,50' },
      temporal: { type: 'string' },
      'temporal-db': { type: 'string' },
      url: { type: 'string' },
      'sandbox-url': { type: 'string' },
      'database-url': { type: 'string' },
      warmup: { type: 'string', default: '5' },
      'profile-worker': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const profile = values.quick ? 'quick' : values.full ? 'full' : 'default';
  const number = (v: string | undefined, fallback: number, name: string) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number: ${v}`);
    return n;
  };
  const list = (v: string, name: string) => v.split(',').filter(Boolean).map((x) => number(x, 0, name));
  const rate = number(values.rate, 40, 'rate');
  const duration = number(values.duration, { quick: 10, default: 60, full: 300 }[profile], 'duration');
  const step = number(values.step, profile === 'quick' ? 5 : 10, 'step');
  const unloaded = number(values.unloaded, profile === 'quick' ? 20 : 60, 'unloaded');
  const ramp = list(values.ramp ?? (profile === 'quick' ? '20,40,60' : '10,20,30,40,50'), 'ramp');
  const temporal = (values.temporal ?? 'dev') as BenchTemporalKind;
  if (!TEMPORAL_KINDS.includes(temporal)) throw new Error(`--temporal ${values.temporal}: use dev (the default), postgres or external`);
  if (values.temporal !== undefined && values.url !== undefined) throw new Error('--temporal with --url: an attached API runs on its own Temporal; drop one of them');
  const temporalDb = values['temporal-db'] ?? 'file';
  if (temporalDb !== 'file' && temporalDb !== 'memory') throw new Error('--temporal-db: file or memory');
  if (values['temporal-db'] !== undefined && temporal !== 'dev') throw new Error(`--temporal-db is the dev server's persistence: with --temporal ${temporal}, drop it`);

  const scenarios: Scenario[] = [
    ...(unloaded > 0 ? [{ name: 'unloaded', kind: 'unloaded', mode: 'sequential', rate: 0, seconds: 0, count: unloaded, baseline: true } as const] : []),
    ...(unloaded > 0
      ? [{ name: 'three-call', kind: 'three-call', mode: 'sequential', rate: 0, seconds: 0, count: unloaded, baseline: false, flow: 'three-call' } as const]
      : []),
    ...(duration > 0 && rate > 0 ? [{ name: `sustained ${rate}/s`, kind: 'sustained', mode: 'open', rate, seconds: duration, baseline: true } as const] : []),
    ...ramp.map((r) => ({ name: `ramp ${r}/s`, kind: 'ramp', mode: 'open', rate: r, seconds: step, baseline: values['ramp-baseline'] }) as const),
  ];
  return {
    vendorLatenciesMs: list(values.latency, 'latency'),
    scenarios,
    attachUrl: values.url,
    sandboxUrl: values.url ? (values['sandbox-url'] ?? 'http://127.0.0.1:4010') : undefined,
    databaseUrl: values['database-url'],
    temporal,
    temporalDb,
    profile,
    warmup: number(values.warmup, 5, 'warmup'),
    profileWorker: values['profile-worker'],
  };
}
