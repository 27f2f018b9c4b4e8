/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on parsed JSON bodies */
/**
 * /v1/a2a/remotes: validation and the SSRF guard (answered before anything is stored), then the
 * registry round trip on real Temporal with a real worker (the agent registry workflow): the card is
 * read and validated, header values never come back, names are per tenant, remove and idempotency.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { HubConfigSchema } from '@hub/contracts';
import { parseApiKeys } from '../src/http/auth';
import type { GatewayApp } from '../src/app';
import { createApp } from '../src/app';
import { connectTestClient, json, makeApp, memoryLogger, offlineServices } from './helpers';
import { startSessionWorker, type SessionWorker } from './session-worker';

const KEY_A = 'key-remotes-tenant-a-0123456789';
const KEY_B = 'key-remotes-tenant-b-9876543210';
const asA = { authorization: `Bearer ${KEY_A}` };
const asB = { authorization: `Bearer ${KEY_B}` };
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** A static agent card server on loopback (the card of a v1.0 A2A agent, or whatever `card` says). */
async function cardServer(card: (origin: string) => unknown) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(card(origin)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { cardUrl: `${origin}/.well-known/agent-card.json`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}
const goodCard = (origin: string) => ({
  name: 'Weather desk',
  description: 'Forecasts for any city.',
  supportedInterfaces: [{ url: `${origin}/rpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  version: '2.0.0',
  capabilities: { streaming: true },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{ id: 'forecast', name: 'Forecast', description: 'A forecast', tags: ['weather'] }],
});

describe('/v1/a2a/remotes: refused before anything is stored', () => {
  // Real services on a client that never connects: these refusals come before any Temporal call.
  const app = createApp(offlineServices({ hubConfig: HubConfigSchema.parse({}) }), { log: memoryLogger() });

  it('refuses loopback, private and link-local card URLs without security.allowPrivateHosts (real DNS check)', async () => {
    for (const cardUrl of ['http://127.0.0.1:8080/.well-known/agent-card.json', 'http://localhost/card.json', 'http://10.1.2.3/card.json', 'http://169.254.169.254/']) {
      const res = await app.request('/v1/a2a/remotes', post({ name: 'weather', cardUrl }));
      expect(res.status, cardUrl).toBe(403);
      expect((await json(res)).error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/allowPrivateHosts/) });
    }
  });

  it('names the bad field: name, cardUrl, headers', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'Not_A_Slug', cardUrl: 'https://a.example/card.json' }, /^name\b/],
      [{ name: 'weather', cardUrl: 'ftp://a.example/card.json' }, /^cardUrl\b/],
      [{ name: 'weather' }, /^cardUrl\b/],
      [{ name: 'weather', cardUrl: 'https://a.example/card.json', headers: { 'X-Token': 'a\r\nInjected: 1' } }, /^headers\.X-Token\b/],
      [{ name: 'weather', cardUrl: 'https://a.example/card.json', headers: { 'bad header': 'x' } }, /^headers\b/],
      [{ name: 'weather', cardUrl: 'https://a.example/card.json', extra: 1 }, /"extra"/],
    ];
    for (const [body, field] of cases) {
      const res = await app.request('/v1/a2a/remotes', post(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await json(res)).error;
      expect(err.code).toBe('invalid_request');
      // The field, or for a key the schema does not know, the message naming it.
      const where = err.details.issues.map((i: { path: string; message: string }) => (i.path === '(root)' ? i.message : i.path)).join(' ');
      expect(where, JSON.stringify(body)).toMatch(field);
    }
  });
});

describe('/v1/a2a/remotes on real Temporal', () => {
  let client: Client;
  let connection: Connection;
  let worker: SessionWorker;
  let app: GatewayApp;
  let card: Awaited<ReturnType<typeof cardServer>>;
  const tenantA = `ra${randomUUID().slice(0, 8)}`;
  const tenantB = `rb${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ client, connection } = await connectTestClient());
    worker = await startSessionWorker();
    card = await cardServer(goodCard);
    ({ app } = makeApp(client, {
      taskQueue: worker.taskQueue,
      rpcTimeoutMs: 5_000,
      apiKeys: parseApiKeys(`${KEY_A}:${tenantA},${KEY_B}:${tenantB}`),
      hubConfig: HubConfigSchema.parse({ security: { allowPrivateHosts: ['127.0.0.1'] } }),
    }));
  }, 120_000);
  afterAll(async () => {
    await card?.close();
    await worker?.close();
    await connection?.close();
  });

  it('registers a remote from its card (201), never answering header values; lists and shows it', async () => {
    const res = await app.request('/v1/a2a/remotes', post({ name: 'weather', cardUrl: card.cardUrl, headers: { Authorization: 'Bearer remote-secret-1' } }, asA));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      name: 'weather',
      source: 'remote',
      cardUrl: card.cardUrl,
      cardName: 'Weather desk',
      description: 'Forecasts for any city.',
      url: card.cardUrl.replace('/.well-known/agent-card.json', '/rpc'),
      protocolVersion: '1.0',
      streaming: true,
      skills: [{ id: 'forecast', name: 'Forecast', description: 'A forecast' }],
      headerNames: ['Authorization'],
    });
    expect(card.seen.at(-1)?.authorization).toBe('Bearer remote-secret-1');

    const list = await app.request('/v1/a2a/remotes', { headers: asA });
    expect(list.status).toBe(200);
    const listText = await list.text();
    expect(JSON.parse(listText).remotes.map((r: any) => r.name)).toEqual(['weather']);
    const one = await app.request('/v1/a2a/remotes/weather', { headers: asA });
    expect(one.status).toBe(200);
    const oneText = await one.text();
    for (const text of [JSON.stringify(body), listText, oneText]) expect(text).not.toContain('remote-secret-1');
  });

  it('keeps tenants apart: another tenant neither sees nor removes it, and may use the name itself', async () => {
    expect((await json(await app.request('/v1/a2a/remotes', { headers: asB }))).remotes).toEqual([]);
    expect((await app.request('/v1/a2a/remotes/weather', { headers: asB })).status).toBe(404);
    expect((await app.request('/v1/a2a/remotes/weather', { method: 'DELETE', headers: asB })).status).toBe(404);
    const mine = await app.request('/v1/a2a/remotes', post({ name: 'weather', cardUrl: card.cardUrl }, asB));
    expect(mine.status).toBe(201);
    expect((await json(mine)).headerNames).toEqual([]);
  });

  it('refuses a second remote of the same name (409) and a built-in agent name (409); a repeat with the same Idempotency-Key answers the first', async () => {
    const again = await app.request('/v1/a2a/remotes', post({ name: 'weather', cardUrl: card.cardUrl }, asA));
    expect(again.status).toBe(409);
    const builtin = await app.request('/v1/a2a/remotes', post({ name: 'assistant', cardUrl: card.cardUrl }, asA));
    expect(builtin.status).toBe(409);
    const reg = { name: 'weather-2', cardUrl: card.cardUrl, headers: { 'X-Key': 'k2' } };
    const first = await app.request('/v1/a2a/remotes', post(reg, { ...asA, 'idempotency-key': 'reg-weather-2' }));
    const repeat = await app.request('/v1/a2a/remotes', post(reg, { ...asA, 'idempotency-key': 'reg-weather-2' }));
    expect([first.status, repeat.status]).toEqual([201, 201]);
    expect((await json(repeat)).createdAt).toBe((await json(first)).createdAt);
  });

  it('refuses a card that is not a usable A2A card, naming cardUrl (400)', async () => {
    const bad = await cardServer(() => ({ name: 'No endpoint', description: 'x', supportedInterfaces: [] }));
    try {
      const res = await app.request('/v1/a2a/remotes', post({ name: 'broken', cardUrl: bad.cardUrl }, asA));
      expect(res.status).toBe(400);
      const err = (await json(res)).error;
      expect(err.message).toMatch(/^cardUrl: .*no JSON-RPC interface/);
      expect(err.details.issues[0].path).toBe('cardUrl');
    } finally {
      await bad.close();
    }
  });

  it('removes a remote (200), after which it is gone (404)', async () => {
    const del = await app.request('/v1/a2a/remotes/weather-2', { method: 'DELETE', headers: asA });
    expect(del.status).toBe(200);
    expect((await json(del)).name).toBe('weather-2');
    expect((await app.request('/v1/a2a/remotes/weather-2', { headers: asA })).status).toBe(404);
    expect((await app.request('/v1/a2a/remotes/weather-2', { method: 'DELETE', headers: asA })).status).toBe(404);
  });

  it("lets the tenant's agents delegate to its remote (not another tenant's), and refuses removing a remote an agent names (409)", async () => {
    const reg = await app.request('/v1/a2a/remotes', post({ name: 'only-a', cardUrl: card.cardUrl }, asA));
    expect(reg.status).toBe(201);
    const agent = { name: 'asks-remote', description: 'd', instructions: 'Ask the remote.', delegates: ['only-a'] };
    const ofB = await app.request('/v1/agents', post(agent, asB));
    expect(ofB.status).toBe(400);
    expect((await json(ofB)).error.message).toMatch(/delegates\[0\].*only-a/);
    const ofA = await app.request('/v1/agents', post(agent, asA));
    expect(ofA.status).toBe(201);
    expect((await json(ofA)).delegates).toEqual(['only-a']);
    const del = await app.request('/v1/a2a/remotes/only-a', { method: 'DELETE', headers: asA });
    expect(del.status).toBe(409);
    expect((await json(del)).error.message).toMatch(/asks-remote/);
  });
});
