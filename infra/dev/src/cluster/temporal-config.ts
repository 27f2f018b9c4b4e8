/**
 * The Temporal server's configuration in cluster mode: PostgreSQL (plugin postgres12) for the default store and
 * for SQL visibility, every service (frontend, history, matching, worker) in one process bound to 127.0.0.1, and
 * the dynamic config the hub's dev server runs with (DEFAULT_DYNAMIC_CONFIG). Ports: the frontend's gRPC port,
 * then the next nine (membership and HTTP of the frontend, gRPC and membership of history, matching and the
 * worker service, Prometheus metrics): 17233–17242 by default.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_DYNAMIC_CONFIG } from '../temporal/dev-server';

export interface TemporalPorts {
  frontend: number;
  frontendMembership: number;
  frontendHttp: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

export const DEFAULT_TEMPORAL_PORT = 17233;
export const TEMPORAL_PORT_COUNT = 10;

export function temporalPorts(frontend: number): TemporalPorts {
  return {
    frontend,
    frontendMembership: frontend + 1,
    frontendHttp: frontend + 2,
    history: frontend + 3,
    historyMembership: frontend + 4,
    matching: frontend + 5,
    matchingMembership: frontend + 6,
    worker: frontend + 7,
    workerMembership: frontend + 8,
    metrics: frontend + 9,
  };
}

export interface TemporalConfigInput {
  stateDir: string;
  ports: TemporalPorts;
  pg: { port: number; user: string; password: string };
  /** History shards (fixed once the cluster's database exists). */
  numHistoryShards?: number;
}

const q = (s: string) => JSON.stringify(s);

function datastore(db: string, pg: TemporalConfigInput['pg'], conns: number): string {
  return [
    `      sql:`,
    `        pluginName: postgres12`,
    `        databaseName: ${db}`,
    `        connectAddr: ${q(`127.0.0.1:${pg.port}`)}`,
    `        connectProtocol: tcp`,
    `        user: ${q(pg.user)}`,
    `        password: ${q(pg.password)}`,
    `        maxConns: ${conns}`,
    `        maxIdleConns: ${conns}`,
    `        maxConnLifetime: 1h`,
  ].join('\n');
}

export function temporalConfigYaml(i: TemporalConfigInput, dynamicConfigFile: string): string {
  const p = i.ports;
  const rpc = (grpc: number, membership: number, http?: number) =>
    `    rpc:\n      grpcPort: ${grpc}\n      membershipPort: ${membership}\n${http ? `      httpPort: ${http}\n` : ''}      bindOnLocalHost: true`;
  return `# Written by \`npm run cluster\` (infra/dev/src/cluster/temporal-config.ts) at every start; edits are overwritten.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${i.numHistoryShards ?? 4}
  datastores:
    postgres-default:
${datastore('temporal', i.pg, 20)}
    postgres-visibility:
${datastore('temporal_visibility', i.pg, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: ${q(`127.0.0.1:${p.metrics}`)}
services:
  frontend:
${rpc(p.frontend, p.frontendMembership, p.frontendHttp)}
  history:
${rpc(p.history, p.historyMembership)}
  matching:
${rpc(p.matching, p.matchingMembership)}
  worker:
${rpc(p.worker, p.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: ${q(`127.0.0.1:${p.frontend}`)}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${q(dynamicConfigFile)}
  pollInterval: 10s
`;
}

/** The dynamic config file: the dev server's values, in the server's file format (a list of constrained values per key). */
export function dynamicConfigYaml(values: Readonly<Record<string, unknown>> = DEFAULT_DYNAMIC_CONFIG): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n`)
    .join('');
}

/** Writes both files into the state dir (0600: the config holds the database password); returns the config's path. */
export async function writeTemporalConfig(i: TemporalConfigInput): Promise<string> {
  const dynamic = join(i.stateDir, 'temporal-dynamic-config.yaml');
  const config = join(i.stateDir, 'temporal.yaml');
  await writeFile(dynamic, dynamicConfigYaml(), { mode: 0o600 });
  await writeFile(config, temporalConfigYaml(i, dynamic), { mode: 0o600 });
  return config;
}
