/** Gateway process settings from the environment (PORT, HOST, HUB_API_KEYS, HUB_ADMIN_KEYS, session defaults, MCP endpoint). */
import { DEFAULTS } from '@hub/contracts';
import { parseApiKeys } from './http/auth';
import { isLoopback } from './loopback';
import { parseAllowedHosts, parseAllowedOrigins } from './http/origin-guard';

export interface GatewayConfig {
  port: number;
  host: string;
  /**
   * Every key that authenticates (HUB_API_KEYS and HUB_ADMIN_KEYS) → its tenant. undefined: auth off
   * (tenant "default", every request admin), loopback only.
   */
  apiKeys: Map<string, string> | undefined;
  /** HUB_ADMIN_KEYS (key → tenant, "default" unless given): budgets, top-ups, every tenant's usage. Also in `apiKeys`. */
  adminKeys: Map<string, string> | undefined;
  /** Options of new sessions. */
  sessionDefaults: { idleTimeoutMs: number; approvalTimeoutMs: number; maxTurnsPerRun: number };
  /**
   * DNS-rebinding protection of every route: `Host` values accepted besides the loopback names
   * (HUB_ALLOWED_HOSTS or HUB_MCP_ALLOWED_HOSTS, plus HOST when it is a specific address) and browser
   * origins accepted besides the hub's own (HUB_ALLOWED_ORIGINS or HUB_MCP_ALLOWED_ORIGINS).
   */
  mcp: { allowedHosts: string[]; allowedOrigins: string[] };
}

/** Wildcard bind addresses: no client reaches the hub by these names. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

function positiveInt(env: Record<string, string | undefined>, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

export { isLoopback };

export function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 8787;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0-65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Throws (with a message naming the variable) on invalid settings, including a non-loopback HOST without keys. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const port = parsePort(env['PORT']);
  const host = env['HOST']?.trim() || '127.0.0.1';
  const tenantKeys = parseApiKeys(env['HUB_API_KEYS']);
  const adminKeys = parseApiKeys(env['HUB_ADMIN_KEYS'], 'HUB_ADMIN_KEYS');
  for (const key of adminKeys?.keys() ?? []) {
    if (tenantKeys?.has(key)) throw new Error('HUB_ADMIN_KEYS: a key is also in HUB_API_KEYS (list it in one of them)');
  }
  // Admin keys authenticate too: a process that passes only `apiKeys` on still refuses unknown keys.
  const apiKeys = tenantKeys || adminKeys ? new Map([...(tenantKeys ?? []), ...(adminKeys ?? [])]) : undefined;
  if (!apiKeys && !isLoopback(host)) {
    throw new Error(
      `HOST=${host} is not a loopback address but HUB_API_KEYS is unset: refusing to serve an unauthenticated API on the network. ` +
        'Set HUB_API_KEYS=key:tenant[,key:tenant] (and/or HUB_ADMIN_KEYS) or bind 127.0.0.1.',
    );
  }
  const sessionDefaults = {
    idleTimeoutMs: positiveInt(env, 'HUB_SESSION_IDLE_TIMEOUT_MS', DEFAULTS.idleTimeoutMs),
    approvalTimeoutMs: positiveInt(env, 'HUB_APPROVAL_TIMEOUT_MS', DEFAULTS.approvalTimeoutMs),
    maxTurnsPerRun: positiveInt(env, 'HUB_SESSION_MAX_TURNS_PER_RUN', DEFAULTS.maxTurnsPerRun),
  };
  // HUB_ALLOWED_* apply to every route; HUB_MCP_ALLOWED_* are their older names (both lists are merged).
  const allowedHosts = [...parseAllowedHosts(env['HUB_ALLOWED_HOSTS'], 'HUB_ALLOWED_HOSTS'), ...parseAllowedHosts(env['HUB_MCP_ALLOWED_HOSTS'])];
  if (!WILDCARD_HOSTS.has(host) && !isLoopback(host)) allowedHosts.push(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  const allowedOrigins = [...parseAllowedOrigins(env['HUB_ALLOWED_ORIGINS'], 'HUB_ALLOWED_ORIGINS'), ...parseAllowedOrigins(env['HUB_MCP_ALLOWED_ORIGINS'])];
  const mcp = { allowedHosts, allowedOrigins };
  return { port, host, apiKeys, adminKeys, sessionDefaults, mcp };
}
