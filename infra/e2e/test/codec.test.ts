/**
 * Payload encryption (HUB_PAYLOAD_KEYS) on the real stack: an MCP HTTP server registered with a secret header
 * (a real Streamable HTTP server: @modelcontextprotocol/server-everything). The test reads the registry
 * workflow's history raw (no codec) and greps it for the secret: in clear without keys, nowhere with keys;
 * after a key rotation the worker still replays the old payloads; /codec/decode gives the operator the clear text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServerState } from '@hub/contracts';
import { getFreePort } from '@hub/dev';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack, eventually } from '../src/stack';

const require = createRequire(import.meta.url);
const everythingBin = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

let llm: ScriptedLlmServer;
let hub: HubStack;
let mcp: ChildProcess;
let mcpUrl = '';
const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

type RawPayload = { metadata?: Record<string, Uint8Array>; data?: Uint8Array };

/** Everything the registry workflow's history holds (every byte field as latin1 text), fetched without any codec. */
async function rawHistory(): Promise<{ text: string; payloads: RawPayload[] }> {
  const res = await hub.client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: 'mcp-registry/default' },
  });
  const payloads: RawPayload[] = [];
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('latin1'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if ('data' in v && 'metadata' in v && (v as RawPayload).data instanceof Uint8Array) payloads.push(v as RawPayload);
      for (const [k, x] of Object.entries(v)) {
        parts.push(k);
        walk(x);
      }
    } else if (typeof v === 'string') parts.push(v);
  };
  walk(res.history);
  return { text: parts.join('\n'), payloads };
}

const keyIdOf = (p: { metadata?: Record<string, Uint8Array> }): string =>
  Buffer.from(p.metadata?.['encryption-key-id'] ?? new Uint8Array()).toString();

async function register(name: string, secret: string): Promise<void> {
  const res = await hub.api('POST', '/v1/mcp/servers', { name, url: mcpUrl, headers: { 'X-Api-Token': secret } });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

async function restartWith(keys: string | undefined): Promise<void> {
  await hub.stopGateway();
  await hub.killWorker('SIGTERM');
  const env = { ...hub.opts.env };
  if (keys === undefined) delete env['HUB_PAYLOAD_KEYS'];
  else env['HUB_PAYLOAD_KEYS'] = keys;
  hub.opts.env = env;
  await Promise.all([hub.startWorker(), hub.startGateway()]);
}

beforeAll(async () => {
  const port = await getFreePort();
  mcp = spawn(process.execPath, [everythingBin, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  mcpUrl = `http://127.0.0.1:${port}/mcp`;
  llm = await startScriptedLlmServer();
  hub = new HubStack({ llmUrl: llm.url });
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(configFile, JSON.stringify({ mcpServers: {}, security: { allowPrivateHosts: ['127.0.0.1'] } }));
  hub.opts.env = { ...hub.opts.env, HUB_CONFIG: configFile };
  await hub.start();
}, 180_000);
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
  mcp?.kill('SIGKILL');
});

describe('payload encryption', () => {
  const before = `secret-before-${randomUUID()}`;
  const after = `secret-after-${randomUUID()}`;
  const rotated = `secret-rotated-${randomUUID()}`;

  it('without HUB_PAYLOAD_KEYS, the secret header is in the history in clear (the defect)', async () => {
    await register('plain', before);
    expect((await rawHistory()).text).toContain(before);
  });

  it('with HUB_PAYLOAD_KEYS, a registration secret is nowhere in the raw history, and the hub still works', async () => {
    await restartWith(`k1:${k1}`);
    await register('sealed', after);
    const { text, payloads } = await rawHistory();
    expect(text).not.toContain(after);
    expect(payloads.some((p) => keyIdOf(p) === 'k1')).toBe(true);
    // The worker decodes (and the unencrypted payloads written before still read).
    await eventually(async () => {
      const list = await hub.api<{ servers: McpServerState[] }>('GET', '/v1/mcp/servers');
      expect(list.body.servers.map((s) => s.name).sort()).toEqual(['plain', 'sealed']);
      return true;
    });
    const tools = await hub.api<McpServerState>('GET', '/v1/mcp/servers/sealed/tools');
    expect(tools.status, JSON.stringify(tools.body)).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toContain('echo');
  }, 120_000);

  it('after rotating to k2 (k1 kept for decryption), old payloads replay and new ones use k2', async () => {
    await restartWith(`k2:${k2},k1:${k1}`);
    await register('rotated', rotated);
    await eventually(async () => {
      const list = await hub.api<{ servers: McpServerState[] }>('GET', '/v1/mcp/servers');
      expect(list.body.servers.map((s) => s.name).sort()).toEqual(['plain', 'rotated', 'sealed']);
      return true;
    });
    const { text, payloads } = await rawHistory();
    expect(text).not.toContain(rotated);
    expect(payloads.some((p) => keyIdOf(p) === 'k2')).toBe(true);
  }, 120_000);

  it('POST /codec/decode gives an operator the clear text; /codec/encode round-trips', async () => {
    const { payloads } = await rawHistory();
    const b64 = (p: { metadata?: Record<string, Uint8Array>; data?: Uint8Array }) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    });
    const encrypted = payloads.filter((p) => keyIdOf(p) !== '').map(b64);
    const dec = await hub.api<{ payloads: Array<{ data: string }> }>('POST', '/codec/decode', { payloads: encrypted });
    expect(dec.status, JSON.stringify(dec.body)).toBe(200);
    const clear = dec.body.payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n');
    expect(clear).toContain(after);
    expect(clear).toContain(rotated);
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') };
    const enc = await hub.api<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>('POST', '/codec/encode', { payloads: [plain] });
    expect(keyIdOf({ metadata: { 'encryption-key-id': Buffer.from(enc.body.payloads[0]?.metadata['encryption-key-id'] ?? '', 'base64') } })).toBe('k2');
    const back = await hub.api('POST', '/codec/decode', enc.body);
    expect(back.body).toEqual({ payloads: [plain] });
  });
});
