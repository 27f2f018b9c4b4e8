/** API-key authentication: `Authorization: Bearer <key>` → tenant. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TENANT_RE } from '@hub/contracts';
import type { MiddlewareHandler } from 'hono';
import { withFields, type Logger } from '../log';
import type { GatewayEnv } from './env';
import { ApiError } from './errors';

export const DEFAULT_TENANT = 'default';

/**
 * Parses `HUB_API_KEYS` (`key1:tenantA,key2:tenantB`; a key without a tenant
 * maps to tenant "default"). Returns undefined when the variable is unset or
 * blank. Throws with a message naming the variable on malformed input.
 */
export function parseApiKeys(raw: string | undefined): Map<string, string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const keys = new Map<string, string>();
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const idx = entry.lastIndexOf(':');
    const key = (idx === -1 ? entry : entry.slice(0, idx)).trim();
    const tenant = (idx === -1 ? DEFAULT_TENANT : entry.slice(idx + 1)).trim() || DEFAULT_TENANT;
    if (key === '' || /\s/.test(key)) {
      throw new Error('HUB_API_KEYS: every entry needs a non-empty key without whitespace (format key1:tenantA,key2:tenantB)');
    }
    if (!TENANT_RE.test(tenant)) {
      throw new Error(`HUB_API_KEYS: tenant ${JSON.stringify(tenant)} must match ${String(TENANT_RE)}`);
    }
    if (keys.has(key)) throw new Error('HUB_API_KEYS: duplicate key');
    keys.set(key, tenant);
  }
  if (keys.size === 0) throw new Error('HUB_API_KEYS is set but lists no keys');
  return keys;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time key lookup: hashes both sides (equal lengths) and compares
 * against every configured key without returning early.
 */
export function makeKeyVerifier(apiKeys: Map<string, string>): (token: string) => string | undefined {
  for (const tenant of apiKeys.values()) {
    if (!TENANT_RE.test(tenant)) throw new Error(`invalid tenant ${JSON.stringify(tenant)} in apiKeys`);
  }
  const entries = [...apiKeys].map(([key, tenant]) => ({ hash: digest(key), tenant }));
  return (token) => {
    const h = digest(token);
    let found: string | undefined;
    for (const e of entries) {
      if (timingSafeEqual(h, e.hash) && found === undefined) found = e.tenant;
    }
    return found;
  };
}

/** Extracts the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * The API-key middleware: with keys configured, every path but `publicPaths` needs
 * `Authorization: Bearer <key>` (401 otherwise), and the key picks the request's tenant.
 * Without keys every request is tenant "default" (set by the request-context middleware).
 */
export function requireApiKey(apiKeys: Map<string, string> | undefined, publicPaths: ReadonlySet<string>, rootLog: Logger): MiddlewareHandler<GatewayEnv> {
  const verify = apiKeys && apiKeys.size > 0 ? makeKeyVerifier(apiKeys) : undefined;
  return async (c, next) => {
    if (!verify || publicPaths.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    const tenant = token === undefined ? undefined : verify(token);
    if (tenant === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="agent-hub"');
      throw new ApiError(401, 'unauthorized', token === undefined ? 'missing bearer token (Authorization: Bearer <key>)' : 'invalid API key');
    }
    c.set('tenant', tenant);
    c.set('log', withFields(rootLog, { requestId: c.get('requestId'), tenant }));
    return next();
  };
}

/**
 * Whether a request holds a valid key (for the public routes that say more to a key holder, such as
 * /readyz's details): always true with auth off (loopback only).
 */
export function holdsKey(apiKeys: Map<string, string> | undefined): (authorization: string | undefined) => boolean {
  if (!apiKeys || apiKeys.size === 0) return () => true;
  const verify = makeKeyVerifier(apiKeys);
  return (authorization) => {
    const token = bearerToken(authorization);
    return token !== undefined && verify(token) !== undefined;
  };
}
