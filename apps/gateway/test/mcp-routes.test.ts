/**
 * /v1/mcp/servers: validation and safety rules, answered before anything is stored (no worker needed;
 * the rules checked before any Temporal call run on an offline client).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { HubConfigSchema } from '@hub/contracts';
import { connectTestClient, json, makeApp, makeStubApp, offlineServices } from './helpers';
import { redactConfig } from '../src/mcp-registry/service';
import { parseApiKeys } from '../src/http/auth';

let client: Client;
let connection: Connection;
beforeAll(async () => ({ client, connection } = await connectTestClient()));
afterAll(async () => connection?.close());

const hubConfig = HubConfigSchema.parse({
  mcpServers: {
    fs: { command: 'node', args: ['fs.js'], env: { TOKEN: 'secret-token' } },
    remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer secret' } },
  },
  security: { stdioCommandAllowlist: ['node'] },
});
/** A tenant no other test file uses (none of its workers registers servers for it). */
const ownTenant = (() => {
  const key = `mcp-routes-${randomUUID()}`;
  return { apiKeys: parseApiKeys(`${key}:mcp-routes-${randomUUID().slice(0, 8)}`), headers: { authorization: `Bearer ${key}` } };
})();
const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('/v1/mcp/servers', () => {
  it('lists config servers with secrets redacted', async () => {
    // A tenant of its own: other files' workers register servers for tenant "default" in the shared dev server.
    const { app } = makeApp(client, { hubConfig, apiKeys: ownTenant.apiKeys });
    const res = await app.request('/v1/mcp/servers', { headers: ownTenant.headers });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.servers.map((s: { name: string }) => s.name).sort()).toEqual(['fs', 'remote']);
    const text = JSON.stringify(body);
    expect(text).not.toContain('secret');
    expect(body.servers.find((s: { name: string }) => s.name === 'remote').config.headers).toEqual({ Authorization: '***' });
  });

  it('refuses a stdio command that is not allowlisted, naming the setting', async () => {
    const { app } = makeStubApp({ mcpRegistry: offlineServices({ hubConfig }).mcpRegistry });
    const res = await app.request('/v1/mcp/servers', post({ name: 'sh', command: '/bin/sh' }));
    expect(res.status).toBe(403);
    expect((await json(res)).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/stdioCommandAllowlist/) });
  });

  it('refuses an allowlisted command with arguments or env the allowlist does not name (node -e, NODE_OPTIONS)', async () => {
    const { app } = makeStubApp({ mcpRegistry: offlineServices({ hubConfig }).mcpRegistry });
    const code = await app.request('/v1/mcp/servers', post({ name: 'evil', command: 'node', args: ['-e', 'process.exit(7)'] }));
    expect(code.status).toBe(403);
    expect((await json(code)).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/argument|args/i) });
    const preload = await app.request('/v1/mcp/servers', post({ name: 'evil2', command: 'node', env: { NODE_OPTIONS: '--require /tmp/x.js' } }));
    expect(preload.status).toBe(400);
    expect((await json(preload)).error.message).toMatch(/NODE_OPTIONS/);
  });

  it('refuses HTTP servers on loopback, private and link-local addresses (real DNS check)', async () => {
    const { app } = makeStubApp({ mcpRegistry: offlineServices({ hubConfig }).mcpRegistry });
    for (const url of ['http://127.0.0.1:8080/mcp', 'http://localhost/mcp', 'http://10.1.2.3/mcp', 'http://169.254.169.254/']) {
      const res = await app.request('/v1/mcp/servers', post({ name: 'x', url }));
      expect(res.status, url).toBe(403);
    }
  });

  it('answers bad bodies with 400 naming the field, and config names with 409', async () => {
    const { app } = makeStubApp({ mcpRegistry: offlineServices({ hubConfig }).mcpRegistry });
    const noTransport = await app.request('/v1/mcp/servers', post({ name: 'x' }));
    expect(noTransport.status).toBe(400);
    const badName = await json(await app.request('/v1/mcp/servers', post({ name: 'no spaces!', command: 'node' })));
    expect(badName.error.message).toMatch(/name/);
    const badUrl = await app.request('/v1/mcp/servers', post({ name: 'x', url: 'ftp://example.com' }));
    expect(badUrl.status).toBe(400);
    const taken = await app.request('/v1/mcp/servers', post({ name: 'fs', command: 'node' }));
    expect(taken.status).toBe(409);
    const delConfig = await app.request('/v1/mcp/servers/fs', { method: 'DELETE' });
    expect(delConfig.status).toBe(409);
  });

  it('404s for unknown servers of a tenant without a registry', async () => {
    const { app } = makeApp(client, { hubConfig, apiKeys: ownTenant.apiKeys });
    expect((await app.request('/v1/mcp/servers/nope', { method: 'DELETE', headers: ownTenant.headers })).status).toBe(404);
    expect((await app.request('/v1/mcp/servers/nope/tools/t/approve', { method: 'POST', headers: ownTenant.headers })).status).toBe(404);
  });

  it('redacts env and header values', () => {
    expect(redactConfig({ command: 'x', env: { A: '1' } })).toEqual({ command: 'x', env: { A: '***' } });
    expect(redactConfig({ url: 'https://a.b/mcp', headers: { H: 'v' } })).toEqual({ url: 'https://a.b/mcp', headers: { H: '***' } });
  });
});
