/**
 * Exactly-once from the client's side: the `Idempotency-Key` header, and how a key maps onto
 * Temporal's own deduplication, so a repeat answers the original result even after a gateway
 * restart (no state lives in the gateway):
 *
 * - A create derives its resource id (hence its workflow id) from (tenant, route, key) with
 *   {@link idempotentId} and starts with {@link IDEMPOTENT_START}: a repeat while the workflow runs
 *   attaches to it (`USE_EXISTING`), a repeat after it ended is refused by Temporal
 *   (`REJECT_DUPLICATE`, answered by reading the existing workflow). The request's fingerprint
 *   goes into the workflow's memo ({@link idempotencyMemo}); a repeat whose body differs is a 409
 *   ({@link assertSameRequest}).
 * - A change (message, approval, cancel, registration) sends its Temporal update with
 *   {@link idempotentUpdateId}: Temporal deduplicates an update id within a run and answers the
 *   original outcome; a workflow that continues-as-new carries its recently seen ids itself.
 *
 * Used by the session, research, MCP registry and task routes.
 */
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from './errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** 1–128 characters: letters, digits and `_ - . : ~ + =` (a UUID, a ULID or any opaque token fits). */
export const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_.:~+=-]{1,128}$/;
const KEY_RULE = 'Idempotency-Key must be 1-128 characters: letters, digits and _ - . : ~ + =';

export const IdempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_RE, KEY_RULE)
  .openapi({
    param: { name: 'idempotency-key', in: 'header' },
    description:
      '`Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers ' +
      "the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409.",
    example: '8e0f7c1e-2b9a-4d57-a3f4-5d1b2c3e4f60',
  });

/** The `headers` request schema of a route that takes an `Idempotency-Key` (Hono lowercases header names). */
export const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.optional() });

/** Validates a raw header value: undefined when absent, the key when valid, a 400 naming the header otherwise. */
export function parseIdempotencyKey(raw: string | null | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!IDEMPOTENCY_KEY_RE.test(raw)) {
    throw new ApiError(400, 'invalid_request', `invalid ${IDEMPOTENCY_KEY_HEADER} header: ${KEY_RULE}`, { header: IDEMPOTENCY_KEY_HEADER });
  }
  return raw;
}

/** The request's key (validated again here, so routes without the header schema are safe too). */
export function idempotencyKeyOf(c: Context): string | undefined {
  return parseIdempotencyKey(c.req.header(IDEMPOTENCY_KEY_HEADER));
}

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/**
 * The id of the resource a create with this key makes: a UUID-shaped (version 8) hash of
 * (tenant, route, key), so it fits every resource id pattern and two tenants never collide.
 * `route` names the operation, e.g. `POST /v1/sessions`.
 */
export function idempotentId(tenant: string, route: string, key: string): string {
  const h = digest('idempotent-id', tenant, route, key);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The update id of a change with this key on one workflow: `idem:<hash of (tenant, route, key)>`.
 * Without a key, callers let Temporal pick a random id.
 */
export function idempotentUpdateId(tenant: string, route: string, key: string): string {
  return `idem:${digest('idempotent-update', tenant, route, key).slice(0, 40)}`;
}

/**
 * Start options of an idempotent create: a running workflow with the id is reused, and an id
 * whose workflow has ended is not started again (within the namespace's retention):
 * the caller answers from the existing workflow on `WorkflowExecutionAlreadyStartedError`.
 */
export const IDEMPOTENT_START = {
  workflowIdConflictPolicy: 'USE_EXISTING',
  workflowIdReusePolicy: 'REJECT_DUPLICATE',
} as const;

/** A stable hash of a request body (object keys sorted), to tell a true repeat from a key reused for another request. */
export function requestFingerprint(body: unknown): string {
  const stable = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(stable);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return digest('fingerprint', JSON.stringify(stable(body) ?? null)).slice(0, 32);
}

/** The memo field that records which request created a workflow. */
export const IDEMPOTENCY_MEMO_FIELD = 'idempotency';

/** The memo entry of a create with this fingerprint. */
export function idempotencyMemo(fingerprint: string): Record<string, unknown> {
  return { [IDEMPOTENCY_MEMO_FIELD]: { fingerprint } };
}

/**
 * Refuses a repeat whose body differs from the request that created the workflow (its memo).
 * A workflow created without a fingerprint (no key, or an older gateway) is not compared.
 */
export function assertSameRequest(memo: Record<string, unknown> | undefined, fingerprint: string, what: string): void {
  const entry = memo?.[IDEMPOTENCY_MEMO_FIELD] as { fingerprint?: unknown } | undefined;
  if (typeof entry?.fingerprint === 'string' && entry.fingerprint !== fingerprint) {
    throw new ApiError(409, 'conflict', `${what} already exists and was created by a different request (${IDEMPOTENCY_KEY_HEADER} or id reused)`, {
      header: IDEMPOTENCY_KEY_HEADER,
    });
  }
}
