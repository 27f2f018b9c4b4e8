import { describe, expect, it } from 'vitest';
import { SESSION_ID_RE } from '@hub/contracts';
import { ApiError } from '../src/http/errors';
import {
  assertSameRequest,
  idempotencyMemo,
  idempotentId,
  idempotentUpdateId,
  parseIdempotencyKey,
  requestFingerprint,
} from '../src/http/idempotency';

describe('Idempotency-Key helpers', () => {
  it('accepts opaque tokens and refuses bad ones with a 400 naming the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('8e0f7c1e-2b9a-4d57-a3f4-5d1b2c3e4f60')).toBe('8e0f7c1e-2b9a-4d57-a3f4-5d1b2c3e4f60');
    for (const bad of ['', 'a b', 'x'.repeat(129), 'é', 'a/b']) {
      try {
        parseIdempotencyKey(bad);
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).status).toBe(400);
        expect((err as ApiError).message).toContain('Idempotency-Key');
      }
    }
  });

  it('derives stable ids per (tenant, route, key) that fit the session id pattern', () => {
    const a = idempotentId('t1', 'POST /v1/sessions', 'k');
    expect(a).toBe(idempotentId('t1', 'POST /v1/sessions', 'k'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(SESSION_ID_RE.test(a)).toBe(true);
    expect(idempotentId('t2', 'POST /v1/sessions', 'k')).not.toBe(a);
    expect(idempotentId('t1', 'POST /v1/research', 'k')).not.toBe(a);
    expect(idempotentUpdateId('t1', 'm', 'k')).toBe(idempotentUpdateId('t1', 'm', 'k'));
    expect(idempotentUpdateId('t1', 'm', 'k')).not.toBe(idempotentUpdateId('t1', 'm', 'k2'));
  });

  it('tells a repeat from a key reused for another request', () => {
    const f = requestFingerprint({ b: 1, a: [1, { y: 2, x: 1 }] });
    expect(requestFingerprint({ a: [1, { x: 1, y: 2 }], b: 1, c: undefined })).toBe(f);
    expect(requestFingerprint({ a: [1], b: 1 })).not.toBe(f);
    expect(() => assertSameRequest(idempotencyMemo(f), f, 'session')).not.toThrow();
    expect(() => assertSameRequest(undefined, f, 'session')).not.toThrow();
    expect(() => assertSameRequest(idempotencyMemo('other'), f, 'session')).toThrow(/different request/);
  });
});
