/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * Small holes (stub services): 100k-deep JSON is a 400 (not a 500), the web app can't be framed,
 * an anonymous /readyz tells no details when keys are configured, a client's X-Request-Id is kept
 * only when it is a plain short token, and get_research refuses an id that is no job's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseApiKeys } from '../src/http/auth';
import { ApiError } from '../src/http/errors';
import { jsonDepth } from '../src/http/json-depth';
import { json, makeStubApp, post } from './helpers';
import { serveApp, type ServedApp } from './mcp-helpers';

const KEY = 'hardening-key-0123456789';
const apiKeys = parseApiKeys(`${KEY}:tenant-h`);
const auth = { authorization: `Bearer ${KEY}` };
const started: unknown[] = [];
const researchGets: string[] = [];

const dir = mkdtempSync(join(tmpdir(), 'hub-hardening-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');

const { app } = makeStubApp(
  {
    tasks: { start: async (_t: string, body: unknown) => (started.push(body), { id: 't1' }) as any },
    ops: { readiness: async () => ({ ok: true, details: { temporal: 'ok', namespace: 'secret-ns', latencyMs: 3 } }), temporalReachable: async () => true },
    research: {
      get: async (_tenant: string, id: string) => {
        researchGets.push(id);
        if (id === 'missing') throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
        return {} as any; // what an agent child workflow's result looks like to the job's reader
      },
    },
  },
  { apiKeys, web: { dir }, llm: { mode: 'remote', baseURL: 'http://llm.internal:8000/v1', model: 'secret-model' } },
);

describe('deeply nested JSON', () => {
  it('answers 100 000-deep task args with 400 invalid_request, not 500', async () => {
    const depth = 100_000;
    const body = `{"steps":[{"tool":"notes/save_note","args":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;
    const res = await app.request('/v1/tasks', post(body, auth));
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/nested deeper/) });
    expect(started).toEqual([]);
  });

  it('counts depth outside strings only', () => {
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1);
    expect(jsonDepth('[[1],[[2]]]')).toBe(3);
    expect(jsonDepth('3')).toBe(0);
  });
});

describe('security headers', () => {
  it('forbids framing the web app and sniffing types, on pages and API answers', async () => {
    for (const path of ['/', '/sessions/abc', '/healthz']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

describe('/readyz with keys configured', () => {
  it('tells an anonymous caller only whether the hub is ready; a key holder sees the details', async () => {
    const anon = await json(await app.request('/readyz'));
    expect(anon).toEqual({ ok: true, details: { temporal: 'ok' } });
    expect(JSON.stringify(anon)).not.toMatch(/secret|llm\.internal/);
    const wrongKey = await json(await app.request('/readyz', { headers: { authorization: 'Bearer nope' } }));
    expect(wrongKey).toEqual({ ok: true, details: { temporal: 'ok' } });
    const keyed = await json(await app.request('/readyz', { headers: auth }));
    expect(keyed.details).toMatchObject({ namespace: 'secret-ns', llm: { model: 'secret-model' } });
  });
});

describe('X-Request-Id', () => {
  it('keeps a plain short id and replaces anything else with a UUID', async () => {
    const idOf = async (id: string) => (await app.request('/healthz', { headers: { 'x-request-id': id } })).headers.get('x-request-id');
    expect(await idOf('req-123.abc:4')).toBe('req-123.abc:4');
    for (const bad of ['x'.repeat(100), 'a b', '<script>', '-leading-dash', 'é']) {
      const got = await idOf(bad);
      expect(got, bad).not.toBe(bad);
      expect(got, bad).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('/mcp get_research ids', () => {
  let served: ServedApp;
  beforeAll(async () => {
    served = await serveApp(app);
  });
  afterAll(async () => {
    await served?.close();
  });

  const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

  it('refuses an id that is no job id (another workflow of the tenant) and says "not found" for an unknown one', async () => {
    const mcp = await served.connectMcp(KEY);
    const bad = (await mcp.callTool({ name: 'get_research', arguments: { id: 'job1/agent/0' } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/research job id/);
    expect(textOf(bad)).not.toMatch(/internal/);
    expect(researchGets).toEqual([]);

    const missing = (await mcp.callTool({ name: 'get_research', arguments: { id: 'missing' } })) as CallToolResult;
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/no research job missing \(not found/);
  });
});
