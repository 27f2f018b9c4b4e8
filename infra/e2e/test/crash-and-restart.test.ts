/**
 * Crashes and restarts lose no message and repeat no reply:
 * - the worker is SIGKILLed in the middle of a turn, a new one takes over,
 *   and the turn ends with exactly one assistant reply;
 * - the whole stack stops and starts again on the same SQLite file ("close
 *   the laptop, come back tomorrow") and the session is still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState, TurnResult } from '@hub/contracts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack, eventually } from '../src/stack';
import { recordHistory } from '../src/histories';

let llm: ScriptedLlmServer;
let hub: HubStack;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  hub = await new HubStack({ llmUrl: llm.url }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});

describe('crash and restart', () => {
  it('finishes a turn with exactly one reply after the worker is SIGKILLed mid-turn', async () => {
    const created = await hub.api<{ id: string }>('POST', '/v1/sessions', {});
    const id = created.body.id;
    // The first attempt streams slowly, so the kill lands in the middle of it.
    llm.script({ reply: 'this answer is streamed slowly word by word and never finishes', chunkDelayMs: 400 });
    const reply = hub.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'tell me something' });
    await llm.waitFor(() => llm.chatRequests().some((r) => r.body?.messages?.some((m) => m.content === 'tell me something')), 30_000);
    await new Promise((r) => setTimeout(r, 600)); // a few tokens out
    expect(await hub.killWorker('SIGKILL')).toBe(null);

    await hub.startWorker();
    const result = await reply;
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('completed');

    const state = (await hub.api<SessionState>('GET', `/v1/sessions/${id}`)).body;
    expect(state.messages.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(state.messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
    expect(state.turns).toBe(1);
    // The retried LLM call carried the same idempotency key as the killed one.
    const keys = llm.chatRequests().filter((r) => r.body?.messages?.some((m) => m.content === 'tell me something')).map((r) => r.idempotencyKey);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    await recordHistory(hub.client, `session/default/${id}`, 'worker-killed-mid-turn');
  });

  it('keeps sessions and their history across a full restart on the same SQLite file', async () => {
    const created = await hub.api<{ id: string }>('POST', '/v1/sessions', { message: 'remember me' });
    const id = created.body.id;
    await hub.stop();

    const again = await new HubStack({ llmUrl: llm.url, dbFile: hub.dbFile, taskQueue: hub.taskQueue }).start();
    hub = again;
    const state = await eventually(async () => {
      const s = await again.api<SessionState>('GET', `/v1/sessions/${id}`);
      return s.status === 200 && s.body;
    });
    expect(state.messages.map((m) => m.content)).toEqual(['remember me', 'You said: remember me']);
    const next = await again.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'still here?' });
    expect(next.body.reply).toBe('You said: still here?');
  });
});
