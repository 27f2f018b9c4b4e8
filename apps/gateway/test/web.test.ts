/** The web app's static files at / (web.ts): assets, SPA fallback, API paths untouched, no auth for assets (stub services). */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, makeStubApp } from './helpers';
import { parseApiKeys } from '../src/http/auth';
import { isApiPath } from '../src/web';
import type { GatewayApp } from '../src/app';

const KEY = 'web-test-key-0123456789';
let app: GatewayApp;
const dir = mkdtempSync(join(tmpdir(), 'hub-web-'));

beforeAll(() => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Agent Hub</title><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("hi")');
  writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(tmpdir(), 'secret.txt'), 'outside');
  ({ app } = makeStubApp({}, { web: { dir }, apiKeys: parseApiKeys(`${KEY}:webtenant`) }));
});

describe('web app static files', () => {
  it('serves index.html at / and hashed assets with their types, without an API key', async () => {
    const root = await app.request('/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(await root.text()).toContain('<div id="app">');

    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const css = await app.request('/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);

    const head = await app.request('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers client-side routes with index.html; a missing asset is a 404', async () => {
    const route = await app.request('/research/some-job');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="app">');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
  });

  it('never leaves the dist directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.request(path);
      expect(await res.text()).not.toContain('outside');
    }
  });

  it('leaves API paths to the API: auth still applies, unknown API routes are JSON 404s, public ops paths answer', async () => {
    const list = await app.request('/v1/sessions');
    expect(list.status).toBe(401);
    expect((await json(list)).error.code).toBe('unauthorized');
    const unknown = await app.request('/v1/nothing-here', { headers: { authorization: `Bearer ${KEY}` } });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('not_found');
    expect((await app.request('/healthz')).status).toBe(200);
    const spec = await app.request('/openapi.json');
    expect((await json(spec)).openapi).toBe('3.1.0');
    expect(isApiPath('/mcp')).toBe(true);
    expect(isApiPath('/v1/research/x/events')).toBe(true);
    expect(isApiPath('/chat')).toBe(false);
  });

  it('leaves A2A paths to the A2A routes (an agent card path ends in a file name but is not a file of the app)', async () => {
    expect(isApiPath('/a2a/assistant/.well-known/agent-card.json')).toBe(true);
    expect(isApiPath('/a2a/assistant')).toBe(true);
    const card = await app.request('/a2a/assistant/.well-known/agent-card.json');
    expect(card.status).toBe(401);
    expect((await json(card)).error.code).toBe('unauthorized');
  });

  it('POST to a non-API path is not served from the app', async () => {
    const res = await app.request('/', { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
  });
});
