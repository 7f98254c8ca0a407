import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlannedPort } from './ports-in-use';
import { dynamicConfigFile } from './temporal-dynamic-config';
import type { PostgresEndpoint, TemporalDatabaseNames } from './temporal-postgres-databases';

export interface ServerConfigOptions {
  endpoint: PostgresEndpoint;
  databases: TemporalDatabaseNames;
  frontendPort: number;
  historyShards: number;
}

/**
 * The ports of one single-node server: Temporal's own layout (frontend 7233, history 7234, matching
 * 7235, worker 7239, membership 300 below each) shifted with the frontend port, so a server on
 * TEMPORAL_ADDRESS 127.0.0.1:17233 uses 17234, 16933… The same ports on every start: a restarted
 * node keeps its identity in the cluster membership table.
 */
export function serverPorts(frontendPort: number): Record<'frontend' | 'history' | 'matching' | 'worker', ServicePorts> {
  const at = (offset: number) => ({ grpcPort: frontendPort + offset, membershipPort: frontendPort + offset - 300 });
  return { frontend: { ...at(0), httpPort: frontendPort + 10 }, history: at(1), matching: at(2), worker: at(6) };
}

interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  /** The frontend's HTTP API (7243 beside 7233), which Nexus needs (on by default in 1.29). */
  httpPort?: number;
}

export function plannedServerPorts(frontendPort: number): PlannedPort[] {
  return Object.entries(serverPorts(frontendPort)).flatMap(([service, ports]) => [
    { port: ports.grpcPort, what: `Temporal ${service} gRPC` },
    { port: ports.membershipPort, what: `Temporal ${service} membership` },
    ...(ports.httpPort ? [{ port: ports.httpPort, what: `Temporal ${service} HTTP` }] : []),
  ]);
}

/**
 * Writes `<dir>/config/development.yaml` (the server's `--root <dir> --config config --env
 * development`) and the dynamic config file it polls. Both are JSON, which is YAML: no YAML library
 * is a dependency here. The file holds the database password, so only its owner may read it.
 */
export function writeServerConfig(dir: string, options: ServerConfigOptions): void {
  const configDir = path.join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfigPath = path.join(dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigPath, `${JSON.stringify(dynamicConfigFile(), null, 2)}\n`);
  const config = serverConfig(options, dynamicConfigPath);
  const file = path.join(configDir, 'development.yaml');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // It holds the database password: `mode` applies only when the file is created.
  chmodSync(file, 0o600);
}

function serverConfig(options: ServerConfigOptions, dynamicConfigPath: string): Record<string, unknown> {
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${options.endpoint.host}:${options.endpoint.port}`,
      connectProtocol: 'tcp',
      user: options.endpoint.user,
      password: options.endpoint.password,
      maxConns,
      maxIdleConns: Math.ceil(maxConns / 2),
      maxConnLifetime: '1h',
    },
  });
  const services = Object.fromEntries(
    Object.entries(serverPorts(options.frontendPort)).map(([name, ports]) => [name, { rpc: { ...ports, bindOnLocalHost: true } }]),
  );
  return {
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      // Fixed at the first start: the server keeps the count it was created with.
      numHistoryShards: options.historyShards,
      // Pools per service, and the one process runs four services: 4 × (10 + 2) = 48 connections at
      // most, so Postgres's default max_connections (100) still leaves room for the API, the worker,
      // migrations and a second server (a bench run beside npm start). 20 + 4 exhausted it.
      datastores: { 'postgres-default': datastore(options.databases.main, 10), 'postgres-visibility': datastore(options.databases.visibility, 2) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${options.frontendPort}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
}
