/**
 * What the hub refuses to connect to: stdio commands outside the allowlist,
 * and HTTP servers on private, loopback, link-local (cloud metadata) and
 * other non-public addresses (SSRF), unless allowlisted.
 *
 * DNS rebinding: `assertUrlAllowed` resolves the host and checks every
 * address, but the connection resolves again, and a hostile DNS server can
 * answer differently the second time. `guardedFetch` closes that gap by
 * connecting through an undici `Agent` whose `connect.lookup` runs the same
 * check on the very addresses the socket then uses (so the check and the
 * connect share one resolution). The up-front `assertUrlAllowed` remains for
 * IP-literal URLs (which never reach a lookup) and for clear errors.
 */
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { ToolError } from '../errors';

/**
 * A refused MCP server: a stdio command not on the allowlist, or a URL whose
 * host is private. A `ToolError`, so a call to such a server reports the
 * refusal to the model instead of retrying.
 */
export class McpSafetyError extends ToolError {
  constructor(message: string) {
    super(message);
    this.name = 'McpSafetyError';
  }
}

export function isMcpSafetyError(err: unknown): err is McpSafetyError {
  return err instanceof McpSafetyError || (err instanceof Error && err.name === 'McpSafetyError');
}

/**
 * Refuses a stdio `command` that no entry of `allowlist`
 * (`HubConfig.security.stdioCommandAllowlist`) names. Exact match: `npx`
 * does not allow `/usr/bin/npx`. The command only: the full check of a
 * registration (arguments, environment, cwd) is
 * `assertStdioInvocationAllowed` (./stdio-policy).
 */
export function assertStdioAllowed(command: string, allowlist: readonly (string | { command: string })[]): void {
  if (allowlist.some((e) => (typeof e === 'string' ? e : e.command) === command)) return;
  throw new McpSafetyError(
    `stdio command "${command}" is not allowed for MCP servers registered at runtime; ` +
      `to allow it, add an entry for "${command}" to security.stdioCommandAllowlist in hub.config.json (exact match)`,
  );
}

/** `dns.promises.lookup(host, { all: true })`, the shape injected in tests. */
export type LookupAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

const defaultLookup: LookupAll = (hostname, options) => dns.promises.lookup(hostname, options);

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses a strictly written IP (dotted quad or IPv6, no `127.1`/hex forms); IPv4-mapped IPv6 becomes IPv4. */
function parseIp(text: string): Ip | undefined {
  const t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(t) || ipaddr.IPv6.isValid(t)) {
    try {
      return ipaddr.process(t);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

type AllowEntry = { kind: 'host'; host: string } | { kind: 'ip'; ip: Ip } | { kind: 'cidr'; range: [Ip, number] };

const normHost = (h: string): string => h.toLowerCase().replace(/\.$/, '');

function parseAllowEntry(entry: string): AllowEntry {
  const e = entry.trim();
  if (e.includes('/') && ipaddr.isValidCIDR(e)) {
    try {
      const [addr, bits] = ipaddr.parseCIDR(e);
      // An IPv4-mapped range (::ffff:10.0.0.0/104) is compared as the IPv4 range.
      if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        return { kind: 'cidr', range: [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96] };
      }
      return { kind: 'cidr', range: [addr, bits] };
    } catch {
      // fall through: treated as a host name that matches nothing real
    }
  }
  const ip = parseIp(e);
  if (ip) return { kind: 'ip', ip };
  return { kind: 'host', host: normHost(e) };
}

function ipMatches(ip: Ip, entry: AllowEntry): boolean {
  if (entry.kind === 'ip') return ip.kind() === entry.ip.kind() && ip.toNormalizedString() === entry.ip.toNormalizedString();
  if (entry.kind === 'cidr') return ip.kind() === entry.range[0].kind() && ip.match(entry.range);
  return false;
}

/** Parsed allowlist (`HubConfig.security.allowPrivateHosts` plus any per-server additions). */
export class PrivateHostAllowlist {
  readonly #entries: AllowEntry[];
  constructor(readonly entries: readonly string[]) {
    this.#entries = entries.filter((e) => e.trim() !== '').map(parseAllowEntry);
  }
  /** The host name (not an IP literal) is listed exactly (case-insensitive). */
  hostAllowed(hostname: string): boolean {
    const h = normHost(hostname);
    return this.#entries.some((e) => e.kind === 'host' && e.host === h);
  }
  /** The address is listed exactly or lies in a listed CIDR range. */
  addressAllowed(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.#entries.some((e) => ipMatches(ip, e));
  }
}

/** The IPv4 address in bits `from`..`from+32` of an IPv6 address (`xor`: Teredo's obfuscated client address). */
function embeddedV4(ip: ipaddr.IPv6, from: number, xor = 0): ipaddr.IPv4 {
  const bytes = ip.toByteArray();
  const at = from / 8;
  return new ipaddr.IPv4(bytes.slice(at, at + 4).map((b) => b ^ xor));
}

/**
 * IPv6 ranges that carry an IPv4 address (where it sits): the address is
 * judged by its IPv4 too. IPv4-mapped (::ffff:0:0/96) never gets here
 * (`parseIp` turns it into the IPv4 itself).
 */
function ipv4Inside(ip: ipaddr.IPv6): { how: string; v4: ipaddr.IPv4 } | undefined {
  const parts = ip.parts;
  switch (ip.range()) {
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
    case 'rfc6052': // 64:ff9b::a.b.c.d, 64:ff9b:1::/48 (NAT64)
      return { how: ip.range() === 'rfc6145' ? 'IPv4-translated' : 'NAT64', v4: embeddedV4(ip, 96) };
    case '6to4': // 2002:aabb:ccdd::/48
      return { how: '6to4', v4: embeddedV4(ip, 16) };
    case 'teredo': // 2001:0:<server>:<flags>:<port>:<client xor ffffffff>
      return { how: 'Teredo', v4: embeddedV4(ip, 96, 0xff) };
    default:
      // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) is 'unicast' for ipaddr.js.
      if (ip.range() === 'unicast' && parts.slice(0, 6).every((p) => p === 0)) return { how: 'IPv4-compatible', v4: embeddedV4(ip, 96) };
      return undefined;
  }
}

/**
 * The ipaddr.js range of an address ('unicast' = public), or 'invalid'.
 * IPv6 forms that embed an IPv4 address (IPv4-compatible `::7f00:1`,
 * IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo) are never
 * 'unicast': they are named after the embedding and the IPv4 inside, e.g.
 * `IPv4-compatible ::127.0.0.1 (loopback)`. The rest of `::/8` is reserved
 * (RFC 4291) and refused as 'reserved'.
 */
export function addressRange(address: string): string {
  const ip = parseIp(address);
  if (!ip) return 'invalid';
  const range = ip.range();
  if (ip.kind() !== 'ipv6') return range;
  const v6 = ip as ipaddr.IPv6;
  const inside = ipv4Inside(v6);
  if (inside) return `${inside.how} ${inside.v4.toString()} (${inside.v4.range()})`;
  if (range === 'unicast' && v6.parts[0]! < 0x100) return 'reserved';
  return range;
}

/**
 * Refuses a host whose addresses are not all public, unless the host name or
 * each non-public address is on the allowlist. Returns the addresses checked.
 */
function checkAddresses(hostname: string, addresses: readonly string[], allow: PrivateHostAllowlist, what: string): void {
  if (allow.hostAllowed(hostname)) return;
  if (addresses.length === 0) throw new McpSafetyError(`${what}: host "${hostname}" did not resolve to any address`);
  for (const address of addresses) {
    const range = addressRange(address);
    if (range === 'unicast' || allow.addressAllowed(address)) continue;
    throw new McpSafetyError(
      `${what}: host "${hostname}" resolves to ${address} (${range}), which is not a public address; ` +
        `to allow it, add "${hostname}" or "${address}" (or a CIDR range) to security.allowPrivateHosts in hub.config.json`,
    );
  }
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * Refuses `url` unless it is http(s) and its host resolves only to public
 * (ipaddr.js range `unicast`) addresses. Loopback, private (RFC 1918),
 * link-local (169.254/16, incl. cloud metadata), unique-local (fc00::/7),
 * unspecified, carrier-grade NAT, multicast, reserved, … are refused unless
 * the host name, the address or a CIDR range containing it is in
 * `allowPrivateHosts`. Every resolved address must pass (a name resolving
 * to one public and one private address is refused). Returns the addresses.
 */
export async function assertUrlAllowed(
  url: string | URL,
  allowPrivateHosts: readonly string[] | PrivateHostAllowlist,
  lookup: LookupAll = defaultLookup,
): Promise<string[]> {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new McpSafetyError(`MCP server URL "${String(url)}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new McpSafetyError(`MCP server URL ${u.origin} must use http or https`);
  }
  const allow = allowPrivateHosts instanceof PrivateHostAllowlist ? allowPrivateHosts : new PrivateHostAllowlist(allowPrivateHosts);
  const host = hostOf(u);
  const what = `Refusing MCP server URL ${u.origin}`;
  const literal = parseIp(host);
  let addresses: string[];
  if (literal) {
    addresses = [host];
  } else {
    if (allow.hostAllowed(host)) return [];
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch (err) {
      // Not a safety refusal: DNS may recover, so let the caller retry.
      throw new Error(`Cannot resolve MCP server host "${host}": ${(err as Error).message}`, { cause: err });
    }
  }
  checkAddresses(host, addresses, allow, what);
  return addresses;
}

type NetLookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `net.connect` `lookup` that resolves with `lookup` and refuses the
 * connection (with `McpSafetyError`) when an address is not allowed: the
 * socket connects to exactly the addresses checked.
 */
export function guardedLookup(allowPrivateHosts: readonly string[] | PrivateHostAllowlist, lookup: LookupAll = defaultLookup) {
  const allow = allowPrivateHosts instanceof PrivateHostAllowlist ? allowPrivateHosts : new PrivateHostAllowlist(allowPrivateHosts);
  return (hostname: string, options: dns.LookupOptions, callback: NetLookupCallback): void => {
    lookup(hostname, { all: true }).then(
      (all) => {
        try {
          checkAddresses(hostname, all.map((a) => a.address), allow, `Refusing connection to MCP server host "${hostname}"`);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 0);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (options.all) {
          callback(null, wanted);
          return;
        }
        const first = wanted[0];
        if (!first) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '', 0);
          return;
        }
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** The `fetch` the SDK transports take (`FetchLike`), plus a way to release its connection pool. */
export type GuardedFetch = ((url: string | URL, init?: RequestInit) => Promise<Response>) & {
  close(): Promise<void>;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function unwrapSafety(err: unknown): unknown {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error; i++) {
    if (isMcpSafetyError(e)) return e;
    e = e.cause;
  }
  return err;
}

/**
 * A fetch for the MCP HTTP transports that refuses non-public hosts (see
 * `assertUrlAllowed`) on every request and on every redirect hop.
 *
 * - Redirects are followed by hand (`redirect: 'manual'` towards the
 *   network, at most `maxRedirects` = 5 hops), each target checked before it
 *   is requested. A caller asking for `redirect: 'manual'` (the SDK does, for
 *   its own same-origin redirect handling) gets the redirect response as is;
 *   `'error'` fails on a redirect. On a cross-origin hop the credential
 *   headers (Authorization, Cookie) are dropped, as fetch does; 303 (and
 *   301/302 after a POST) become a GET without body.
 * - Connections go through an undici `Agent` whose lookup re-checks the
 *   addresses it connects to (DNS rebinding, see the top of this file).
 */
export function guardedFetch(
  allowPrivateHosts: readonly string[],
  opts: { lookup?: LookupAll; maxRedirects?: number } = {},
): GuardedFetch {
  const lookup = opts.lookup ?? defaultLookup;
  const maxRedirects = opts.maxRedirects ?? 5;
  const allow = new PrivateHostAllowlist(allowPrivateHosts);
  const agent = new Agent({ connect: { lookup: guardedLookup(allow, lookup) } });

  const doFetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const mode = init.redirect ?? 'follow';
    let url = new URL(String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    let headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      await assertUrlAllowed(url, allow, lookup);
      let res: Response;
      try {
        const reqInit = { ...init, method, body, headers, redirect: 'manual' as const, dispatcher: agent };
        res = (await undiciFetch(url, reqInit as unknown as Parameters<typeof undiciFetch>[1])) as unknown as Response;
      } catch (err) {
        throw unwrapSafety(err);
      }
      if (!REDIRECTS.has(res.status) || mode === 'manual') return res;
      const location = res.headers.get('location');
      if (!location) return res;
      await res.body?.cancel().catch(() => undefined);
      if (mode === 'error') throw new TypeError(`fetch failed: redirect from ${url.origin} with redirect mode "error"`);
      if (hop >= maxRedirects) throw new McpSafetyError(`Refusing MCP server URL ${url.origin}: more than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new McpSafetyError(`Refusing redirect from ${url.origin} to a ${next.protocol} URL`);
      }
      if (next.origin !== url.origin) {
        headers = new Headers(headers);
        for (const h of CREDENTIAL_HEADERS) headers.delete(h);
      }
      if (res.status === 303 ? method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST') {
        method = 'GET';
        body = null;
        headers.delete('content-type');
        headers.delete('content-length');
      }
      url = next;
    }
  };
  return Object.assign(doFetch, { close: () => agent.close() });
}
