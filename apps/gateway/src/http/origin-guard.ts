/**
 * DNS-rebinding protection for every route (REST, SSE, /mcp, the web app): `Host` and `Origin`
 * checks (the middleware applying them: http/host-guard.ts).
 *
 * A DNS-rebinding attack makes a browser send requests for the attacker's
 * hostname to the hub (often bound to loopback). The browser always sends that
 * hostname in `Host`, so the hub accepts only hostnames it knows it is reached
 * by: the loopback names, and the ones listed in HUB_ALLOWED_HOSTS (plus the
 * bind address when it is a specific one). A cross-site page also carries its
 * own `Origin`: when present it must be the hub's own host, or be listed in
 * HUB_ALLOWED_ORIGINS (HUB_MCP_ALLOWED_* are the older names of both lists).
 *
 * The SDK's transport options for this (`allowedHosts` / `allowedOrigins` /
 * `enableDnsRebindingProtection`) are deprecated in favour of middleware like
 * this one, and match `Host` exactly (port included), which the ephemeral ports
 * of tests and port mappings of containers make impractical.
 */
import { isLoopback } from '../loopback';

export const HOSTS_VAR = 'HUB_ALLOWED_HOSTS';
export const ORIGINS_VAR = 'HUB_ALLOWED_ORIGINS';

export interface HostRule {
  /** Lower-cased hostname; IPv6 in brackets, e.g. `[::1]`. */
  hostname: string;
  /** Port the rule is limited to; undefined: any port. */
  port?: string | undefined;
}

export interface OriginGuard {
  /** Undefined when the request may proceed; otherwise the reason it may not (names the offending header). */
  check(host: string | undefined, origin: string | undefined): string | undefined;
  /** Whether `origin` is listed in the allowed origins (a page of another site the operator trusts). */
  listedOrigin(origin: string): boolean;
}

/** `name` or `name:port` (IPv6 as `[::1]` / `[::1]:8787`) → rule; undefined when it is not a host. */
export function parseHost(value: string): HostRule | undefined {
  const v = value.trim();
  if (v === '' || /[\s/?#@]/.test(v)) return undefined;
  try {
    const url = new URL(`http://${v}`);
    return { hostname: url.hostname.toLowerCase(), ...(url.port !== '' ? { port: url.port } : {}) };
  } catch {
    return undefined;
  }
}

/** Comma-separated hosts (HUB_MCP_ALLOWED_HOSTS). Throws naming `name` on a malformed entry. */
export function parseAllowedHosts(raw: string | undefined, name = 'HUB_MCP_ALLOWED_HOSTS'): string[] {
  const entries = splitList(raw);
  for (const e of entries) {
    if (!parseHost(e)) throw new Error(`${name}: ${JSON.stringify(e)} is not a host or host:port`);
  }
  return entries;
}

/** Comma-separated origins (HUB_MCP_ALLOWED_ORIGINS), e.g. `http://localhost:6274`. Throws naming `name` on a malformed entry. */
export function parseAllowedOrigins(raw: string | undefined, name = 'HUB_MCP_ALLOWED_ORIGINS'): string[] {
  const entries = splitList(raw);
  for (const e of entries) {
    if (normalizeOrigin(e) === undefined) throw new Error(`${name}: ${JSON.stringify(e)} is not an origin (scheme://host[:port])`);
  }
  return entries;
}

function splitList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `scheme://host[:port]` in canonical form (lower case, default port dropped), or undefined. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Builds the guard. Loopback hostnames (`localhost`, `127.0.0.0/8`, `[::1]`) are always allowed
 * (a rebinding attack can't make a browser send them); `allowedHosts` adds more (`name` = any port).
 */
export function createOriginGuard(opts: { allowedHosts?: string[] | undefined; allowedOrigins?: string[] | undefined } = {}): OriginGuard {
  const hostRules = (opts.allowedHosts ?? []).map((h) => {
    const rule = parseHost(h);
    if (!rule) throw new Error(`allowed host ${JSON.stringify(h)} is not a host or host:port`);
    return rule;
  });
  const origins = new Set(
    (opts.allowedOrigins ?? []).map((o) => {
      const n = normalizeOrigin(o);
      if (n === undefined) throw new Error(`allowed origin ${JSON.stringify(o)} is not an origin (scheme://host[:port])`);
      return n;
    }),
  );
  const hostAllowed = (host: HostRule): boolean =>
    isLoopback(host.hostname) || hostRules.some((r) => r.hostname === host.hostname && (r.port === undefined || r.port === host.port));

  return {
    listedOrigin(origin) {
      const n = normalizeOrigin(origin);
      return n !== undefined && origins.has(n);
    },
    check(hostHeader, originHeader) {
      const host = hostHeader === undefined ? undefined : parseHost(hostHeader);
      if (!host || !hostAllowed(host)) {
        return `Invalid Host header: ${JSON.stringify(hostHeader ?? '')} is not an allowed host of the hub (see ${HOSTS_VAR})`;
      }
      if (originHeader === undefined) return undefined;
      const origin = normalizeOrigin(originHeader);
      if (origin !== undefined) {
        if (origins.has(origin)) return undefined;
        // Same host: the page was served by this very host:port.
        const originHost = parseHost(new URL(origin).host);
        if (originHost && originHost.hostname === host.hostname && (originHost.port ?? '') === (host.port ?? '')) return undefined;
      }
      return `Invalid Origin header: ${JSON.stringify(originHeader)} is not an allowed origin of the hub (see ${ORIGINS_VAR})`;
    },
  };
}
