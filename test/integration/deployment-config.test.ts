import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
// js-yaml comes with @nestjs/swagger (not a direct dependency): docker-compose 1.29 prints YAML only.
import { load } from 'js-yaml';
import { loadConfig, PRODUCTION_REQUIRED_KEYS, SANDBOX_PATHS } from '../../core/config/app-config';
import { searchAttributeFlags } from '../../src/dev-stack/temporal-dev-server';
import { SERVER_DYNAMIC_CONFIG } from '../../src/dev-stack/temporal-dynamic-config';

/**
 * docker-compose.yml and the Dockerfile agree with the code: the file passes `docker-compose config`
 * (Debian's docker-compose 1.29.2, installed by .ci/run), every process built from the image starts
 * with the environment compose gives it (the app's own config validation, production's included),
 * and Temporal gets the dynamic config and search attributes the dev server gets.
 */
const root = path.resolve(__dirname, '..', '..');

interface ComposeService {
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | null>;
  ports?: { published: number; target: number }[];
  volumes?: string[];
}

/** A value for each key production requires: base64 of 32 random bytes satisfies both formats. */
const productionKeys = Object.fromEntries(PRODUCTION_REQUIRED_KEYS.map((key) => [key, randomBytes(32).toString('base64')]));

/** Runs docker-compose with only PATH, HOME and `env`: a variable of the caller's must not hide a gap in the file. */
function dockerCompose(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('docker-compose', args, { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('docker-compose is not installed: `apt-get install docker-compose` (Debian 12: 1.29.2; .ci/run installs it)');
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function resolvedServices(env: Record<string, string> = {}): Record<string, ComposeService> {
  const run = dockerCompose(['config'], { ...productionKeys, ...env });
  expect(run.stderr).toBe('');
  return (load(run.stdout) as { services: Record<string, ComposeService> }).services;
}

/** The environment a container of ours sees: the image's ENV, then the service's (null = left unset). */
function containerEnv(service: ComposeService): Record<string, string> {
  const imageEnv = Object.fromEntries([...readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  const set = Object.entries(service.environment ?? {}).filter((entry): entry is [string, string] => entry[1] !== null);
  return { ...imageEnv, ...Object.fromEntries(set) };
}

function publishedPort(service: ComposeService, target: number): number {
  const port = service.ports?.find((p) => p.target === target);
  if (!port) throw new Error(`port ${target} is not published`);
  return port.published;
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` with the production keys set', () => {
    const run = dockerCompose(['config', '-q'], productionKeys);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(PRODUCTION_REQUIRED_KEYS)('refuses to start without %s and names it', (key) => {
    const others = Object.fromEntries(Object.entries(productionKeys).filter(([k]) => k !== key));
    const run = dockerCompose(['config', '-q'], others);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`set ${key} (`);
  });

  it('gives the API, the worker, the migrations and the schedules APP_ENV=production and every key production requires', () => {
    const services = resolvedServices();
    for (const name of ['api', 'worker', 'migrate', 'schedules']) {
      const env = containerEnv(services[name]);
      expect({ name, APP_ENV: env.APP_ENV }).toEqual({ name, APP_ENV: 'production' });
      for (const key of PRODUCTION_REQUIRED_KEYS) expect({ name, key, value: env[key] }).toEqual({ name, key, value: productionKeys[key] });
    }
  });

  it("migrates as the owner role, whose URL only the migrate service gets; the API and the worker connect as another role", () => {
    const services = resolvedServices();
    const owner = new URL(containerEnv(services.migrate).DATABASE_OWNER_URL ?? '').username;
    expect(owner).toBe('checkout_saga_owner');
    for (const name of ['api', 'worker', 'schedules']) {
      const env = containerEnv(services[name]);
      expect({ name, owner: env.DATABASE_OWNER_URL }).toEqual({ name, owner: undefined });
      const runtime = new URL(env.DATABASE_URL ?? '').username;
      expect({ name, runtime }).toEqual({ name, runtime: 'checkout_saga_app' });
    }
    // Both logins exist on a fresh volume: the init script mounted into the postgres service creates them.
    const init = services.postgres.volumes?.map((v) => v.split(':')).find(([, target]) => target.startsWith('/docker-entrypoint-initdb.d/'));
    const sql = readFileSync(init![0], 'utf8');
    expect(sql).toMatch(/CREATE ROLE checkout_saga_owner LOGIN/);
    expect(sql).toMatch(/CREATE ROLE checkout_saga_app LOGIN/);
  });

  it('starts every process built from the image: its environment passes the config validation', () => {
    const built = Object.entries(resolvedServices()).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'sandbox', 'schedules', 'worker']);
    // Each runs a program the build emits: dist/<path>.js of a source file <path>.ts.
    const programs = built.map(([name, service]) => ({ name, source: service.command?.[1]?.replace(/^dist\/(.+)\.js$/, '$1.ts') }));
    for (const { name, source } of programs) expect({ name, exists: source !== undefined && existsSync(path.join(__dirname, '..', '..', source)) }).toEqual({ name, exists: true });
    const refusals = built.flatMap(([name, service]) => {
      try {
        loadConfig(containerEnv(service));
        return [];
      } catch (err) {
        return [`${name}: ${(err as Error).message}`];
      }
    });
    expect(refusals).toEqual([]);
  });

  it('gives the worker (which writes the seals outside Postgres) and the API (which verifies them) one volume at AUDIT_SEAL_DIR, and postgres not', () => {
    const services = resolvedServices();
    const mounts = (name: string) => (services[name].volumes ?? []).map(String);
    for (const name of ['api', 'worker']) {
      const dir = loadConfig(containerEnv(services[name])).AUDIT_SEAL_DIR;
      expect({ name, mounts: mounts(name).filter((m) => m.endsWith(`:${dir}:rw`) || m.endsWith(`:${dir}`)) }).toEqual({ name, mounts: [expect.stringMatching(/^audit-seals:/)] });
    }
    expect(mounts('postgres').some((m) => m.startsWith('audit-seals:'))).toBe(false);
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/chown -R node:node \/var\/lib\/checkout-saga/);
  });

  it('points every vendor of the API and the worker at the sandbox service, never at the container itself', () => {
    const services = resolvedServices();
    const sandbox = `http://sandbox:${loadConfig(containerEnv(services.sandbox)).SANDBOX_PORT}`;
    for (const name of ['api', 'worker']) {
      const config = loadConfig(containerEnv(services[name]));
      expect({ name, urls: [config.crmcomBaseUrl, config.capillaryBaseUrl, config.coupontoolsBaseUrl, config.cmcBaseUrl, config.cmcTokenUrl] }).toEqual({
        name,
        urls: [
          `${sandbox}${SANDBOX_PATHS.crmcomLegacy}`,
          `${sandbox}${SANDBOX_PATHS.capillary}`,
          `${sandbox}${SANDBOX_PATHS.coupontools}`,
          `${sandbox}${SANDBOX_PATHS.cmc}`,
          `${sandbox}${SANDBOX_PATHS.cmc}/connect/token`,
        ],
      });
    }
  });

  it('wires the Temporal UI to the API codec endpoint, and the API to the UI origin', () => {
    const services = resolvedServices();
    const api = loadConfig(containerEnv(services.api));
    expect(services['temporal-ui'].environment?.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${publishedPort(services.api, api.API_PORT)}/v1/codec`);
    expect(api.TEMPORAL_UI_ORIGIN).toBe(`http://localhost:${publishedPort(services['temporal-ui'], 8080)}`);
  });

  it("mounts the dev server's dynamic config into Temporal and takes the shard count from TEMPORAL_HISTORY_SHARDS", () => {
    const temporal = resolvedServices({ TEMPORAL_HISTORY_SHARDS: '8' }).temporal;
    const file = temporal.environment?.DYNAMIC_CONFIG_FILE_PATH;
    const mount = temporal.volumes?.map((v) => v.split(':')).find(([, target]) => target === file);
    expect(mount).toBeDefined();
    const values = load(readFileSync(mount![0], 'utf8')) as Record<string, { value: unknown }[]>;
    expect(Object.fromEntries(Object.entries(values).map(([key, [entry]]) => [key, entry.value]))).toEqual(SERVER_DYNAMIC_CONFIG);
    expect(temporal.environment?.NUM_HISTORY_SHARDS).toBe('8');
    expect(resolvedServices().temporal.environment?.NUM_HISTORY_SHARDS).toBe('4');
  });

  it("registers exactly the checkout contract's search attributes", () => {
    const command = resolvedServices()['temporal-setup'].command?.join(' ') ?? '';
    const registered = [...command.matchAll(/--name (\S+) --type (\S+)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(registered.sort()).toEqual(searchAttributeFlags().filter((flag) => flag !== '--search-attribute').sort());
  });
});

/** `^M.m.p || ^N.n.q` (the only form engines uses here) as [major, minor, patch] lower bounds, one per major. */
function caretRanges(range: string): number[][] {
  return range.split('||').map((part) => {
    const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(part.trim());
    if (!m) throw new Error(`engines.node part "${part.trim()}" is not ^major.minor.patch`);
    return m.slice(1).map(Number);
  });
}

function satisfies(version: string, range: string): boolean {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  return caretRanges(range).some(([M, m, p]) => major === M && (minor > m || (minor === m && patch >= p)));
}

describe('Dockerfile and engines', () => {
  const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const newestMajor = Math.max(...caretRanges(engines).map(([major]) => major));

  it("builds and runs on the newest Node major engines allows (the declared runtime), bookworm-slim", () => {
    const bases = [...readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases).toEqual([`node:${newestMajor}-bookworm-slim`, `node:${newestMajor}-bookworm-slim`]);
  });

  it("allows the machine's Node and the Node 24 release npm test's second leg runs", () => {
    const leg = spawnSync(process.execPath, ['--input-type=module', '-e', "import { NODE24_VERSION } from './scripts/lib/node24.mjs'; console.log(NODE24_VERSION)"], { cwd: root, encoding: 'utf8' });
    const node24 = leg.stdout.trim();
    expect(node24.split('.')[0]).toBe(String(newestMajor));
    expect({ engines, node24: satisfies(node24, engines), machine: satisfies(process.version, engines) }).toEqual({ engines, node24: true, machine: true });
  });
});
