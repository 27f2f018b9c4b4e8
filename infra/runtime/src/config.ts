/**
 * Environment-driven configuration shared by every hub process.
 *
 * Temporal connection (same variable names the `temporal` CLI uses):
 *   TEMPORAL_ADDRESS          host:port of the Temporal frontend. Unset => the SDK default (localhost:7233);
 *                             `npm start` starts an embedded dev server when it is unset.
 *   TEMPORAL_NAMESPACE        namespace (default "default")
 *   TEMPORAL_API_KEY          API key (e.g. Temporal Cloud); implies TLS
 *   TEMPORAL_TLS              "1"/"true" enables TLS with the system roots ("0"/"false" forces it off)
 *   TEMPORAL_TLS_CA           path to a PEM server root CA certificate (implies TLS)
 *   TEMPORAL_TLS_CERT         path to a PEM client certificate for mTLS (needs TEMPORAL_TLS_KEY)
 *   TEMPORAL_TLS_KEY          path to the PEM client private key for mTLS (needs TEMPORAL_TLS_CERT)
 *   TEMPORAL_TLS_SERVER_NAME  overrides the TLS server name (SNI)
 * Hub:
 *   HUB_TASK_QUEUE            task queue of the hub worker (default "agent-hub")
 *   HUB_DATA_DIR              local state directory (default <repo root>/.hub)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TASK_QUEUE } from '@hub/contracts';

export type Env = Record<string, string | undefined>;

export interface TemporalTlsConfig {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalConfig {
  /** host:port; undefined means "SDK default" (localhost:7233). */
  address?: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  /** Present when TLS is enabled; `{}` means TLS with the system trust store. */
  tls?: TemporalTlsConfig;
}

export const DEFAULT_NAMESPACE = 'default';
/** The hub's task queue (the one constant, from the contracts). */
export { DEFAULT_TASK_QUEUE };

/** Thrown for invalid configuration; the message names the offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseBool(name: string, value: string | undefined): boolean | undefined {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be "1"/"true" or "0"/"false", got ${JSON.stringify(value)}`);
}

function readPemFile(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${name}=${path} cannot be read: ${(err as Error).message}`);
  }
}

export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const address = nonEmpty(env['TEMPORAL_ADDRESS']);
  if (address !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(:\d{1,5})?$/.test(address)) {
    throw new ConfigError(`TEMPORAL_ADDRESS must look like host:port (no scheme), got ${JSON.stringify(address)}`);
  }
  const namespace = nonEmpty(env['TEMPORAL_NAMESPACE']) ?? DEFAULT_NAMESPACE;
  const taskQueue = nonEmpty(env['HUB_TASK_QUEUE']) ?? DEFAULT_TASK_QUEUE;
  const apiKey = nonEmpty(env['TEMPORAL_API_KEY']);

  const tlsFlag = parseBool('TEMPORAL_TLS', env['TEMPORAL_TLS']);
  const caPath = nonEmpty(env['TEMPORAL_TLS_CA']);
  const certPath = nonEmpty(env['TEMPORAL_TLS_CERT']);
  const keyPath = nonEmpty(env['TEMPORAL_TLS_KEY']);
  const serverName = nonEmpty(env['TEMPORAL_TLS_SERVER_NAME']);

  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS client certificate and key)');
  }
  const hasTlsMaterial = caPath !== undefined || certPath !== undefined || serverName !== undefined;
  if (tlsFlag === false && hasTlsMaterial) {
    throw new ConfigError('TEMPORAL_TLS is off but TEMPORAL_TLS_CA/CERT/KEY/SERVER_NAME are set; remove one or the other');
  }
  const tlsEnabled = tlsFlag ?? (hasTlsMaterial || apiKey !== undefined);

  const cfg: TemporalConfig = { namespace, taskQueue };
  if (address !== undefined) cfg.address = address;
  if (apiKey !== undefined) cfg.apiKey = apiKey;
  if (tlsEnabled) {
    const tls: TemporalTlsConfig = {};
    if (serverName !== undefined) tls.serverNameOverride = serverName;
    if (caPath !== undefined) tls.serverRootCACertificate = readPemFile('TEMPORAL_TLS_CA', caPath);
    if (certPath !== undefined && keyPath !== undefined) {
      tls.clientCertPair = {
        crt: readPemFile('TEMPORAL_TLS_CERT', certPath),
        key: readPemFile('TEMPORAL_TLS_KEY', keyPath),
      };
    }
    cfg.tls = tls;
  }
  return cfg;
}

let cachedRepoRoot: string | undefined;

/**
 * The monorepo root: the closest ancestor of this file containing turbo.json
 * (falling back to a package.json declaring "workspaces", then to the cwd).
 */
export function repoRoot(): string {
  if (cachedRepoRoot !== undefined) return cachedRepoRoot;
  const start = dirname(fileURLToPath(import.meta.url));
  let workspaceRoot: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'turbo.json'))) return (cachedRepoRoot = dir);
    if (workspaceRoot === undefined && existsSync(join(dir, 'package.json'))) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown };
        if (pkg.workspaces !== undefined) workspaceRoot = dir;
      } catch {
        // unreadable package.json: keep walking
      }
    }
    if (dirname(dir) === dir) break;
  }
  return (cachedRepoRoot = workspaceRoot ?? process.cwd());
}

/** Local state directory: HUB_DATA_DIR (resolved against the cwd) or <repo root>/.hub. Not created here. */
export function hubDataDir(env: Env = process.env): string {
  const fromEnv = nonEmpty(env['HUB_DATA_DIR']);
  return fromEnv !== undefined ? resolve(fromEnv) : join(repoRoot(), '.hub');
}
