/** API-key authentication: `Authorization: Bearer <key>` → tenant, and whether the key is an admin key (HUB_ADMIN_KEYS). */
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
 * `HUB_ADMIN_KEYS` has the same format (`name` says which variable is parsed).
 */
export function parseApiKeys(raw: string | undefined, name = 'HUB_API_KEYS'): Map<string, string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const keys = new Map<string, string>();
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const idx = entry.lastIndexOf(':');
    const key = (idx === -1 ? entry : entry.slice(0, idx)).trim();
    const tenant = (idx === -1 ? DEFAULT_TENANT : entry.slice(idx + 1)).trim() || DEFAULT_TENANT;
    if (key === '' || /\s/.test(key)) {
      throw new Error(`${name}: every entry needs a non-empty key without whitespace (format key1:tenantA,key2:tenantB)`);
    }
    if (!TENANT_RE.test(tenant)) {
      throw new Error(`${name}: tenant ${JSON.stringify(tenant)} must match ${String(TENANT_RE)}`);
    }
    if (keys.has(key)) throw new Error(`${name}: duplicate key`);
    keys.set(key, tenant);
  }
  if (keys.size === 0) throw new Error(`${name} is set but lists no keys`);
  return keys;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time key lookup: hashes both sides (equal lengths) and compares
 * against every configured key without returning early.
 */
export function makeKeyVerifier(apiKeys: Map<string, string>): (token: string) => string | undefined {
  const verify = makeHolderVerifier(apiKeys, undefined);
  return (token) => verify(token)?.tenant;
}

/** Who a key is: its tenant and whether it is an admin key. */
export interface KeyHolder {
  tenant: string;
  admin: boolean;
}

/**
 * The verifier of tenant keys and admin keys together (constant time, like {@link makeKeyVerifier}):
 * an admin key authenticates like any key (its tenant, "default" unless given) and marks the request admin.
 * A key listed in both is an admin key.
 */
export function makeHolderVerifier(apiKeys: Map<string, string> | undefined, adminKeys: Map<string, string> | undefined): (token: string) => KeyHolder | undefined {
  const all = new Map<string, KeyHolder>();
  for (const [key, tenant] of apiKeys ?? []) all.set(key, { tenant, admin: false });
  for (const [key, tenant] of adminKeys ?? []) all.set(key, { tenant, admin: true });
  for (const { tenant } of all.values()) {
    if (!TENANT_RE.test(tenant)) throw new Error(`invalid tenant ${JSON.stringify(tenant)} in apiKeys`);
  }
  const entries = [...all].map(([key, holder]) => ({ hash: digest(key), holder }));
  return (token) => {
    const h = digest(token);
    let found: KeyHolder | undefined;
    for (const e of entries) {
      if (timingSafeEqual(h, e.hash) && found === undefined) found = e.holder;
    }
    return found;
  };
}

/** Whether keys of either kind are configured (else auth is off: loopback only, every request tenant "default" and admin). */
export const authEnabled = (apiKeys: Map<string, string> | undefined, adminKeys?: Map<string, string> | undefined): boolean =>
  (apiKeys?.size ?? 0) + (adminKeys?.size ?? 0) > 0;

/** Extracts the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * The API-key middleware: with keys configured, every path but `publicPaths` needs
 * `Authorization: Bearer <key>` (401 otherwise), and the key picks the request's tenant.
 * An admin key (`adminKeys`, HUB_ADMIN_KEYS) authenticates too and sets `admin` on the context.
 * Without keys every request is tenant "default" (set by the request-context middleware) and admin.
 */
export function requireApiKey(
  apiKeys: Map<string, string> | undefined,
  publicPaths: ReadonlySet<string>,
  rootLog: Logger,
  adminKeys?: Map<string, string> | undefined,
): MiddlewareHandler<GatewayEnv> {
  const verify = authEnabled(apiKeys, adminKeys) ? makeHolderVerifier(apiKeys, adminKeys) : undefined;
  return async (c, next) => {
    c.set('admin', verify === undefined);
    if (!verify || publicPaths.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    const holder = token === undefined ? undefined : verify(token);
    if (holder === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="agent-hub"');
      throw new ApiError(401, 'unauthorized', token === undefined ? 'missing bearer token (Authorization: Bearer <key>)' : 'invalid API key');
    }
    const { tenant } = holder;
    c.set('admin', holder.admin);
    c.set('tenant', tenant);
    c.set('log', withFields(rootLog, { requestId: c.get('requestId'), tenant }));
    return next();
  };
}

/** Refuses a request without an admin key (403 naming what is needed); with auth off every request is admin. */
export function assertAdmin(admin: boolean | undefined, what: string): void {
  if (admin !== true) {
    throw new ApiError(403, 'forbidden', `${what} needs an admin key (one of HUB_ADMIN_KEYS)`, { needs: 'admin' });
  }
}

/**
 * Whether a request holds a valid key (for the public routes that say more to a key holder, such as
 * /readyz's details): always true with auth off (loopback only).
 */
export function holdsKey(apiKeys: Map<string, string> | undefined, adminKeys?: Map<string, string> | undefined): (authorization: string | undefined) => boolean {
  if (!authEnabled(apiKeys, adminKeys)) return () => true;
  const verify = makeHolderVerifier(apiKeys, adminKeys);
  return (authorization) => {
    const token = bearerToken(authorization);
    return token !== undefined && verify(token) !== undefined;
  };
}
