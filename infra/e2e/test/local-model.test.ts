/**
 * End to end on the REAL local model (apps/local-llm on the provisioned default GGUF; no fakes):
 * - the hub's processes (HubStack) pointed at the local model server: a streamed chat reply, and a forced
 *   tool call (HUB_LLM_TOOL_CHOICE) that parses and runs;
 * - `npm start` with no OPENAI_BASE_URL / OPENAI_API_KEY: it starts the local model server itself, says so,
 *   reports it in /readyz, answers a chat, and stops cleanly.
 * Assertions are about the flow and formats, never about timings or what the tiny model says.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent, SessionState, TurnResult } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import { getFreePort } from '@hub/dev';
import { LocalLlmProcess } from '@hub/testing/local-llm-process';
import { HubStack, readSse } from '../src/stack';

type Created = { id: string; session: SessionState; reply?: TurnResult };

describe('the hub on the local model server', () => {
  let llm: LocalLlmProcess;
  let hub: HubStack;

  beforeAll(async () => {
    // Short replies keep the turns quick on 2 cores; the model and the server are the real ones.
    llm = await new LocalLlmProcess({ args: ['--max-tokens', '48', '--parallel', '2', '--context-size', '4096'] }).start();
    hub = await new HubStack({
      llmUrl: llm.url,
      // The forced tool call test: force `calculator` on a turn's first model call, when it is offered.
      env: { HUB_MODEL: llm.model, HUB_LLM_TOOL_CHOICE: 'calculator' },
    }).start();
  });
  afterAll(async () => {
    await hub?.stop();
    expect(await llm?.stop()).toBe(0);
  });

  it('chats through the gateway and streams a non-empty reply from the model', async () => {
    // No tools for this session: a plain reply.
    const created = await hub.api<Created>('POST', '/v1/sessions', { tools: [] });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const accepted = await hub.api('POST', `/v1/sessions/${id}/messages?wait=false`, { text: 'Tell me about the sea.' });
    expect(accepted.status).toBe(202);

    const events = await readSse(`${hub.gatewayUrl}/v1/sessions/${id}/events`, (e) => e.event === 'turn.completed' || e.event === 'turn.failed', {
      timeoutMs: 150_000,
    });
    const parsed = events.map((e) => JSON.parse(e.data) as SessionEvent);
    const completed = parsed.find((e) => e.type === 'turn.completed') as Extract<SessionEvent, { type: 'turn.completed' }> | undefined;
    expect(completed, `turn did not complete: ${JSON.stringify(parsed.at(-1))}`).toBeDefined();
    const tokens = parsed.filter((e): e is Extract<SessionEvent, { type: 'token' }> => e.type === 'token' && e.turnId === completed!.turnId);
    expect(tokens.length).toBeGreaterThan(0);
    const lastAttempt = Math.max(...tokens.map((t) => t.attempt));
    const streamed = tokens.filter((t) => t.attempt === lastAttempt).map((t) => t.delta).join('');
    expect(streamed.trim().length).toBeGreaterThan(0);

    const state = await hub.api<SessionState>('GET', `/v1/sessions/${id}`);
    const reply = state.body.messages.at(-1)!;
    expect(reply.role).toBe('assistant');
    expect(reply.content).toBe(streamed);
    expect(state.body.usage.completionTokens).toBeGreaterThan(0);
    expect(state.body.usage.promptTokens).toBeGreaterThan(0);
  });

  it('a forced tool call parses and runs: the calculator is called with JSON arguments and its result goes back to the model', async () => {
    const created = await hub.api<Created>('POST', '/v1/sessions', { tools: ['calculator'] });
    const id = created.body.id;
    const turn = await hub.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'What is 6*7? Use the calculator.' });
    expect(turn.status).toBe(200);
    expect(turn.body.status).toBe('completed');

    const state = (await hub.api<SessionState>('GET', `/v1/sessions/${id}`)).body;
    const firstAnswer = state.messages[1]!;
    expect(firstAnswer.role).toBe('assistant');
    const call = firstAnswer.role === 'assistant' ? firstAnswer.toolCalls?.[0] : undefined;
    expect(call?.name).toBe('calculator');
    const args = JSON.parse(call!.arguments) as { expression?: unknown };
    expect(typeof args.expression).toBe('string');

    // The tool ran (its result, or the calculator's own error for an expression it cannot parse, is in the conversation).
    const result = state.messages.find((m) => m.role === 'tool' && m.toolCallId === call!.id);
    expect(result).toMatchObject({ role: 'tool', name: 'calculator' });
    expect((result as { content: string }).content.length).toBeGreaterThan(0);
    const events = await readSse(`${hub.gatewayUrl}/v1/sessions/${id}/events`, (e) => e.event === 'turn.completed');
    const toolEvents = events.map((e) => JSON.parse(e.data) as SessionEvent).filter((e) => e.type === 'tool.call' || e.type === 'tool.result');
    expect(toolEvents.slice(0, 2).map((e) => [e.type, (e as { tool: string }).tool])).toEqual([
      ['tool.call', 'calculator'],
      ['tool.result', 'calculator'],
    ]);
    // The turn ends with an assistant message (the model answered after the tool result).
    expect(state.messages.at(-1)?.role).toBe('assistant');
  });
});

describe('npm start without OPENAI_BASE_URL / OPENAI_API_KEY', () => {
  it('starts the local model server, reports it in /readyz, answers a chat, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-local-start-'));
    const [port, temporalPort, llmPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: '',
      HUB_DATA_DIR: dataDir, // the model is found in the repo's .hub cache (provisioned by npm test)
      PORT: String(port),
      HUB_TEMPORAL_PORT: String(temporalPort),
      HUB_TEMPORAL_HEADLESS: '1',
      HUB_LOCAL_LLM_PORT: String(llmPort),
      HUB_LOCAL_LLM_MAX_TOKENS: '32',
    };
    delete env['OPENAI_BASE_URL'];
    delete env['OPENAI_API_KEY'];
    delete env['HUB_MODEL'];
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/dev/src/start/main.ts'], { cwd: repoRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!out.includes('Press Ctrl-C to stop')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not get ready:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const llmUrl = `http://127.0.0.1:${llmPort}/v1`;
      expect(out).toContain(`No OPENAI_BASE_URL / OPENAI_API_KEY set: starting the local model server`);
      expect(out).toMatch(new RegExp(`LLM:\\s+local model \\S+ at ${llmUrl.replace(/[.]/g, '\\.')}`));

      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { ok: boolean; details: { llm: { mode: string; baseURL: string; model: string } } };
      expect(ready.ok).toBe(true);
      const models = (await (await fetch(`${llmUrl}/models`)).json()) as { data: Array<{ id: string }> };
      expect(ready.details.llm).toEqual({ mode: 'local', baseURL: llmUrl, model: models.data[0]!.id });

      const res = await fetch(`http://127.0.0.1:${port}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello!', tools: [] }),
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as Created;
      expect(created.reply?.status).toBe('completed');
      expect((created.reply?.reply ?? '').trim().length).toBeGreaterThan(0);
      expect(created.session.usage.completionTokens).toBeGreaterThan(0);
      expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/local-llm stopped/);
    expect(out).toMatch(/"local llm stopped"/);
    expect(out).toMatch(/temporal stopped/);
  });
});
