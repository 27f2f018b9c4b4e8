/** The A2A routes with the web app on (as `npm start` serves it): the web middleware leaves /a2a/… to them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@temporalio/client';
import { connectTestClient, makeApp } from './helpers';
import { isApiPath } from '../src/web';
import type { GatewayApp } from '../src/app';

let app: GatewayApp;
let connection: Connection;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-a2a-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Agent Hub</title>');
  const { client, connection: conn } = await connectTestClient();
  connection = conn;
  ({ app } = makeApp(client, { web: { dir }, apiKeys: new Map([['web-a2a-key', 'default']]) }));
});
afterAll(async () => {
  await connection?.close();
});

describe('A2A with the web app on', () => {
  it('the agent card is the A2A route\'s, not a web app file', async () => {
    expect(isApiPath('/a2a/assistant/.well-known/agent-card.json')).toBe(true);
    const res = await app.request('/a2a/assistant/.well-known/agent-card.json', { headers: { authorization: 'Bearer web-a2a-key' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'assistant', capabilities: { streaming: true } });
    expect((await app.request('/a2a/assistant/.well-known/agent-card.json')).status).toBe(401);
  });
});
