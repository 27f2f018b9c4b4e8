/**
 * The MCP endpoint's HTTP behaviour over real HTTP (stub services: no Temporal, no tool
 * is called): the API key, stateless initialize, DNS-rebinding protection (Host and
 * Origin) and its settings, the body limit, 405s and the OpenAPI entry. The tools: mcp.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@hub/contracts';
import { loadGatewayConfig } from '../src/config';
import { parseApiKeys } from '../src/http/auth';
import { createOriginGuard, parseAllowedHosts, parseAllowedOrigins } from '../src/http/origin-guard';
import { openApiDocument } from '../src/openapi';
import { makeStubApp } from './helpers';
import { INITIALIZE, MCP_HEADERS, bearer, rpcBody, serveApp, type ServedApp } from './mcp-helpers';

const KEY_A = 'mcp-key-a-0123456789';
const KEY_B = 'mcp-key-b-9876543210';
const ALLOWED_ORIGIN = 'http://localhost:6274';
const ALLOWED_HOST = 'hub.example.test';

let served: ServedApp;
let port: number;

beforeAll(async () => {
  const { app } = makeStubApp(
    {},
    { apiKeys: parseApiKeys(`${KEY_A}:tenant-a,${KEY_B}:tenant-b`), mcp: { allowedHosts: [ALLOWED_HOST], allowedOrigins: [ALLOWED_ORIGIN] } },
  );
  served = await serveApp(app);
  port = served.port;
});
afterAll(async () => {
  await served?.close();
});

const raw: ServedApp['raw'] = (...args) => served.raw(...args);
const connectMcp: ServedApp['connectMcp'] = (...args) => served.connectMcp(...args);

describe('MCP endpoint: HTTP', () => {
  it('requires the API key (401) when keys are configured', async () => {
    const res = await raw('POST', INITIALIZE, MCP_HEADERS);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(res.text).error.code).toBe('unauthorized');
    const wrong = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer('wrong-key') });
    expect(wrong.status).toBe(401);
    await expect(connectMcp(undefined)).rejects.toThrow();
  });

  it('answers a raw initialize (stateless: no Mcp-Session-Id)', async () => {
    const res = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A) });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-request-id']).toBeDefined();
    const msg = rpcBody(res.text);
    expect(msg).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'agent-hub' }, capabilities: { tools: {} } } });
  });

  it('rejects a foreign Origin with 403 (JSON-RPC error); allows the hub itself and configured origins', async () => {
    const foreign = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringMatching(/Origin/) } });
    const nullOrigin = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const otherPort = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin: 'http://127.0.0.1:1' });
    expect(otherPort.status).toBe(403);

    for (const origin of [`http://127.0.0.1:${port}`, ALLOWED_ORIGIN]) {
      const ok = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), origin });
      expect(ok.status, origin).toBe(200);
    }
    // Through the official client too.
    await expect(connectMcp(KEY_A, { origin: 'http://evil.example' })).rejects.toThrow(/403|Origin/);
  });

  it('rejects a Host that is not the hub (DNS rebinding) with 403; loopback names and configured hosts pass', async () => {
    const evil = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), host: `evil.example:${port}` });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/Host/) } });
    const evilGet = await raw('GET', undefined, { accept: 'text/event-stream', ...bearer(KEY_A), host: 'evil.example' });
    expect(evilGet.status).toBe(403);

    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, ALLOWED_HOST, `${ALLOWED_HOST}:443`]) {
      const ok = await raw('POST', INITIALIZE, { ...MCP_HEADERS, ...bearer(KEY_A), host });
      expect(ok.status, host).toBe(200);
    }
  });

  it('applies the body limit (413), with and without Content-Length', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { pad: 'x'.repeat(LIMITS.maxBodyBytes) } });
    const declared = await raw('POST', big, { ...MCP_HEADERS, ...bearer(KEY_A) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error.code).toBe('payload_too_large');
    const chunked = await raw('POST', big, { ...MCP_HEADERS, ...bearer(KEY_A) }, { chunked: true });
    expect(chunked.status).toBe(413);
  });

  it('answers GET and DELETE with 405 and a JSON-RPC error (stateless server)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await raw(method, undefined, { accept: 'text/event-stream', ...bearer(KEY_A) });
      expect(res.status, method).toBe(405);
      expect(res.headers['allow']).toBe('POST');
      expect(JSON.parse(res.text)).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
    }
  });

  it('is documented in the OpenAPI document as a POST endpoint', async () => {
    const doc = JSON.parse(await openApiDocument());
    const op = doc.paths['/mcp'];
    expect(Object.keys(op)).toEqual(['post']);
    expect(op.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/JsonRpcMessage' });
    expect(Object.keys(op.post.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '403', '413']));
  });
});

describe('MCP DNS-rebinding guard and its settings', () => {
  it('parses HUB_MCP_ALLOWED_HOSTS / HUB_MCP_ALLOWED_ORIGINS and adds a specific HOST', () => {
    expect(parseAllowedHosts(' hub.example.com, 10.0.0.5:8787 ,[::1]')).toEqual(['hub.example.com', '10.0.0.5:8787', '[::1]']);
    expect(() => parseAllowedHosts('http://hub.example.com')).toThrow(/HUB_MCP_ALLOWED_HOSTS/);
    expect(parseAllowedOrigins('https://app.example.com,http://localhost:6274')).toEqual(['https://app.example.com', 'http://localhost:6274']);
    expect(() => parseAllowedOrigins('app.example.com')).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);
    expect(() => parseAllowedOrigins('https://app.example.com/path')).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);

    expect(loadGatewayConfig({}).mcp).toEqual({ allowedHosts: [], allowedOrigins: [] });
    expect(loadGatewayConfig({ HOST: '0.0.0.0', HUB_API_KEYS: 'k:t', HUB_MCP_ALLOWED_HOSTS: 'hub.example.com' }).mcp.allowedHosts).toEqual([
      'hub.example.com',
    ]);
    expect(loadGatewayConfig({ HOST: '10.1.2.3', HUB_API_KEYS: 'k:t' }).mcp.allowedHosts).toEqual(['10.1.2.3']);
    expect(() => loadGatewayConfig({ HUB_MCP_ALLOWED_ORIGINS: 'nope' })).toThrow(/HUB_MCP_ALLOWED_ORIGINS/);
  });

  it('checks Host by name (a port limits a rule when given) and Origin against the host or the list', () => {
    const guard = createOriginGuard({ allowedHosts: ['hub.example.com', 'other.example.com:8443'], allowedOrigins: ['https://app.example.com'] });
    expect(guard.check('localhost:8787', undefined)).toBeUndefined();
    expect(guard.check('127.0.0.2', undefined)).toBeUndefined();
    expect(guard.check('[::1]:1', undefined)).toBeUndefined();
    expect(guard.check('HUB.example.com:9999', undefined)).toBeUndefined();
    expect(guard.check('other.example.com:8443', undefined)).toBeUndefined();
    expect(guard.check('other.example.com', undefined)).toMatch(/Host/);
    expect(guard.check('localhost.evil.example', undefined)).toMatch(/Host/);
    expect(guard.check(undefined, undefined)).toMatch(/Host/);
    expect(guard.check('a b', undefined)).toMatch(/Host/);

    expect(guard.check('hub.example.com', 'https://hub.example.com')).toBeUndefined();
    expect(guard.check('localhost:8787', 'http://localhost:8787')).toBeUndefined();
    expect(guard.check('localhost:8787', 'https://APP.example.com')).toBeUndefined();
    expect(guard.check('localhost:8787', 'http://localhost:3000')).toMatch(/Origin/);
    expect(guard.check('localhost:8787', 'https://app.example.com.evil.example')).toMatch(/Origin/);
    expect(guard.check('localhost:8787', 'null')).toMatch(/Origin/);
  });
});
