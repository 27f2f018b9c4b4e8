/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * DNS rebinding and cross-site requests on every route (http/host-guard.ts), over real HTTP
 * (stub services): a foreign Host is refused on the REST API, the ops routes and the web app;
 * a cross-site state change is refused, bodiless ones (approve, cancel) included; the hub's own
 * pages and clients that are no browser (no Origin) still work.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStubApp } from './helpers';
import { serveApp, type ServedApp } from './mcp-helpers';

let served: ServedApp;
let port: number;
const calls: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-rebind-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  const { app } = makeStubApp(
    {
      sessions: {
        list: async () => [],
        approve: async () => void calls.push('approve'),
      },
      research: { cancel: async () => void calls.push('cancel') },
    },
    { web: { dir }, mcp: { allowedHosts: ['hub.example.test'], allowedOrigins: ['http://trusted.example.test'] } },
  );
  served = await serveApp(app);
  port = served.port;
});
afterAll(async () => {
  await served?.close();
});

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON (the web app's HTML) */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.once('error', reject);
    req.end(body);
  });
}

const APPROVE = '/v1/sessions/s1/approvals/a1';
const CANCEL = '/v1/research/r1/cancel';

describe('Host check on every route', () => {
  it('refuses a foreign Host with 403 and the { error } body: REST, ops, document, web app', async () => {
    for (const [method, path] of [['GET', '/v1/sessions'], ['GET', '/readyz'], ['GET', '/openapi.json'], ['GET', '/'], ['POST', CANCEL]] as const) {
      const res = await send(method, path, { host: `evil.example:${port}` });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code, `${method} ${path}`).toBe('forbidden');
      expect(res.body.error.message).toMatch(/Host/);
    }
    expect(calls).toEqual([]);
  });

  it('accepts loopback names and configured hosts', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'hub.example.test']) {
      expect((await send('GET', '/v1/sessions', { host })).status, host).toBe(200);
    }
    expect((await send('GET', '/', {})).status).toBe(200);
  });
});

describe('cross-site state changes', () => {
  it('refuses a POST with a foreign Origin (bodiless approve and cancel included) with 403', async () => {
    const approve = await send('POST', APPROVE, { origin: 'http://evil.example', 'content-type': 'application/json' }, '{"approve":true}');
    expect(approve.status).toBe(403);
    expect(approve.body.error.message).toMatch(/Origin/);
    const cancel = await send('POST', CANCEL, { origin: 'http://evil.example' });
    expect(cancel.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('refuses a browser cross-site request without Origin, and simple (form, text) bodies', async () => {
    const noOrigin = await send('POST', CANCEL, { 'sec-fetch-site': 'cross-site' });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.error.message).toMatch(/Sec-Fetch-Site/);
    const form = await send('POST', CANCEL, { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1');
    expect(form.status).toBe(415);
    const text = await send('POST', CANCEL, { 'content-type': 'text/plain' }, 'x');
    expect(text.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it('lets the hub own pages, allowed origins and clients without Origin (the CLI) through', async () => {
    const sameOrigin = await send('POST', CANCEL, { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.status).toBe(202);
    const trusted = await send('POST', CANCEL, { origin: 'http://trusted.example.test', 'sec-fetch-site': 'cross-site' });
    expect(trusted.status).toBe(202);
    const cli = await send('POST', CANCEL, {});
    expect(cli.status).toBe(202);
    const cliApprove = await send('POST', APPROVE, { 'content-type': 'application/json' }, '{"approve":true}');
    expect(cliApprove.status).toBe(200);
    // Reading from another site is harmless (the browser keeps the answer from the page): GETs pass the Sec-Fetch check.
    expect((await send('GET', '/v1/sessions', { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    expect(calls).toEqual(['cancel', 'cancel', 'cancel', 'approve']);
  });
});
