import { parseArgs } from 'node:util';

export interface OverloadOptions {
  /** Offered rate = factor x the measured capacity. */
  factor: number;
  durationSeconds: number;
  /** The capacity probe: `probeRate` checkouts/s offered for this long, its completions/s the capacity (skipped with --capacity). */
  capacitySeconds: number;
  probeRate: number;
  /** Completed checkouts per second, when known: no probe. */
  capacity?: number;
  /** The till's budget each request carries (Till-Budget-Ms); the one-shot default. */
  budgetMs: number;
  /** The client gives up at budget + margin: an answer later than that is "hanging". */
  marginMs: number;
  vendorLatencyMs: number;
  temporalDb: 'file' | 'memory';
}

export const OVERLOAD_USAGE = `npm run bench -- --overload [options]
  --factor <x>             offered rate as a multiple of the measured capacity (default 3)
  --duration <s>           seconds of the overload run (default 120)
  --capacity <n>           capacity in completed checkouts/s; skips the probe
  --capacity-seconds <s>   length of the capacity probe; its second half is counted (default 30)
  --probe-rate <n>         checkouts/s offered during the probe, above capacity but not far: refusing costs CPU too (default 12)
  --budget-ms <ms>         Till-Budget-Ms of each request (default 5000, the one-shot default)
  --margin-ms <ms>         the client waits budget + margin before it counts a request hanging (default 1000)
  --latency <ms>           sandbox vendor latency (default 0)
  --temporal-db <file|memory>  dev server persistence (default file)`;

export function parseOverloadOptions(argv: string[]): OverloadOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--overload'),
    options: {
      factor: { type: 'string', default: '3' },
      duration: { type: 'string', default: '120' },
      capacity: { type: 'string' },
      'capacity-seconds': { type: 'string', default: '30' },
      'probe-rate': { type: 'string', default: '12' },
      'budget-ms': { type: 'string', default: '5000' },
      'margin-ms': { type: 'string', default: '1000' },
      latency: { type: 'string', default: '0' },
      'temporal-db': { type: 'string', default: 'file' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(OVERLOAD_USAGE);
    process.exit(0);
  }
  const positive = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: not a positive number: ${v}`);
    return n;
  };
  const temporalDb = values['temporal-db'];
  if (temporalDb !== 'file' && temporalDb !== 'memory') throw new Error('--temporal-db: file or memory');
  const latency = Number(values.latency);
  if (!Number.isInteger(latency) || latency < 0) throw new Error(`--latency: not a whole number of ms: ${values.latency}`);
  return {
    factor: positive(values.factor, 'factor'),
    durationSeconds: positive(values.duration, 'duration'),
    capacity: values.capacity === undefined ? undefined : positive(values.capacity, 'capacity'),
    capacitySeconds: positive(values['capacity-seconds'], 'capacity-seconds'),
    probeRate: positive(values['probe-rate'], 'probe-rate'),
    budgetMs: Math.round(positive(values['budget-ms'], 'budget-ms')),
    marginMs: Math.round(positive(values['margin-ms'], 'margin-ms')),
    vendorLatencyMs: latency,
    temporalDb,
  };
}
