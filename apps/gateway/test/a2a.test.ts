/**
 * The hub's agents over A2A, driven by the official SDK's client (@a2a-js/sdk/client) against a real gateway
 * served over HTTP and a real worker (the real session workflow; the LLM is the scripted fixture) on the test
 * Temporal server: the card, blocking and streaming sends, get task (also from a restarted gateway: the task
 * store is the sessions), a resent message that runs once, a second message in the same context, an approval as
 * input-required, cancel, auth and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import { a2aClient, bearerFetch, sendParams, startA2aHub, textOfParts, userMessage, type A2aHub } from './a2a-hub';

let hub: A2aHub;

beforeAll(async () => {
  hub = await startA2aHub();
}, 120_000);
afterAll(async () => {
  await hub?.close();
});

const asTask = (result: unknown): Task => {
  expect(result).toHaveProperty('id');
  return result as Task;
};
const replyOf = (task: Task): string => textOfParts(task.artifacts.find((a) => a.artifactId === 'reply')?.parts);
const chatCount = () => hub.worker.llm.chatRequests().length;

describe('the agent card', () => {
  it('names the agent, its skills, the JSON-RPC URL (1.0 and 0.3), streaming and the bearer scheme', async () => {
    const res = await bearerFetch('key-a')(`${hub.agentUrl('assistant')}.well-known/agent-card.json`);
    expect(res.status).toBe(200);
    const card = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(card).toMatchObject({ name: 'assistant', description: 'test assistant', capabilities: { streaming: true } });
    expect(card.supportedInterfaces).toEqual([
      expect.objectContaining({ url: `${hub.origin}/a2a/assistant`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }),
      expect.objectContaining({ url: `${hub.origin}/a2a/assistant`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' }),
    ]);
    expect(card.securitySchemes.bearer.httpAuthSecurityScheme).toMatchObject({ scheme: 'Bearer' });
    expect(card.skills.map((s: { id: string }) => s.id)).toEqual(['assistant', 'tool:*']);
    // The SDK's client reads it.
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const parsed = await client.getAgentCard();
    expect(parsed.name).toBe('assistant');
    expect(parsed.capabilities?.streaming).toBe(true);
  });

  it('an unknown agent is a 404 JSON error; no key is 401; a foreign Host or cross-site POST is 403', async () => {
    const missing = await bearerFetch('key-a')(`${hub.agentUrl('nobody')}.well-known/agent-card.json`);
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('agent_not_found');
    expect(body.error.message).toContain('nobody');
    const badRef = await bearerFetch('key-a')(`${hub.agentUrl('not..a..name')}.well-known/agent-card.json`);
    expect(badRef.status).toBe(404);
    const noKey = await fetch(`${hub.agentUrl('assistant')}.well-known/agent-card.json`);
    expect(noKey.status).toBe(401);
    const rpc = await fetch(`${hub.origin}/a2a/assistant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x.turn-1' } }),
    });
    expect(rpc.status).toBe(401);
    await expect(a2aClient(hub.agentUrl('assistant'), 'wrong-key')).rejects.toThrow(/401/);
    // The Host/Origin guard of every route: a foreign Host (DNS rebinding) or a cross-site POST is refused.
    const rebound = await hub.app().request('http://evil.example/a2a/assistant/.well-known/agent-card.json', {
      headers: { host: 'evil.example', authorization: 'Bearer key-a' },
    });
    expect(rebound.status).toBe(403);
    const crossSite = await hub.app().request('http://127.0.0.1/a2a/assistant', {
      method: 'POST',
      headers: { host: '127.0.0.1', origin: 'https://evil.example', authorization: 'Bearer key-a', 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x.turn-1' } }),
    });
    expect(crossSite.status).toBe(403);
  });
});

describe('messages and tasks', () => {
  it('a blocking send answers with the completed task; get task answers it again, also from a restarted gateway', async () => {
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const task = asTask(await client.sendMessage(sendParams(userMessage('hello over a2a'))));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(replyOf(task)).toBe('You said: hello over a2a');
    expect(task.id).toBe(`${task.contextId}.turn-1`);

    const again = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(replyOf(again)).toBe('You said: hello over a2a');
    expect(textOfParts(again.history[0]?.parts)).toBe('hello over a2a');

    hub.restartGateway();
    const fresh = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const afterRestart = await fresh.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(afterRestart).toMatchObject({ id: task.id, contextId: task.contextId, status: { state: TaskState.TASK_STATE_COMPLETED } });
    expect(replyOf(afterRestart)).toBe('You said: hello over a2a');
  });

  it('a second message in the same context continues the same session (a new task, turn 2)', async () => {
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const first = asTask(await client.sendMessage(sendParams(userMessage('first'))));
    const second = asTask(await client.sendMessage(sendParams(userMessage('second', { contextId: first.contextId }))));
    expect(second.contextId).toBe(first.contextId);
    expect(second.id).toBe(`${first.contextId}.turn-2`);
    expect(replyOf(second)).toBe('You said: second');
    // The model saw the whole conversation of the session.
    const last = hub.worker.llm.chatRequests().at(-1)!;
    const said = (last.body?.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content);
    expect(said).toEqual(['first', 'second']);
    const state = await (await hub.app().request(`/v1/sessions/${first.contextId}`, { headers: { authorization: 'Bearer key-a' } })).json();
    expect(state).toMatchObject({ agent: 'assistant', turns: 2 });
    // The context's tasks, newest first.
    const listed = await client.listTasks({
      tenant: '',
      contextId: first.contextId,
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageToken: '',
      statusTimestampAfter: undefined,
      includeArtifacts: true,
    });
    expect(listed.tasks.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(listed.tasks.map(replyOf)).toEqual(['You said: second', 'You said: first']);
  });

  it("a context is one agent's: another agent refuses it and the session is left alone", async () => {
    const assistant = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const first = asTask(await assistant.sendMessage(sendParams(userMessage('mine'))));
    const researcher = await a2aClient(hub.agentUrl('researcher'), 'key-a');
    await expect(researcher.sendMessage(sendParams(userMessage('yours?', { contextId: first.contextId })))).rejects.toThrow(
      /a conversation with the agent 'assistant', not 'researcher'/,
    );
    await expect(assistant.sendMessage(sendParams(userMessage('   ')))).rejects.toThrow(/message.parts: a non-empty text/);
    const state = await (await hub.app().request(`/v1/sessions/${first.contextId}`, { headers: { authorization: 'Bearer key-a' } })).json();
    expect(state).toMatchObject({ agent: 'assistant', turns: 1 });
  });

  it('a resent message (same messageId) does not run again', async () => {
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const message = userMessage('only once');
    const first = asTask(await client.sendMessage(sendParams(message)));
    const before = chatCount();
    // Resent as it was (no contextId: the first answer was lost), and with the context it opened.
    const resent = asTask(await client.sendMessage(sendParams(message)));
    expect(resent.id).toBe(first.id);
    expect(replyOf(resent)).toBe('You said: only once');
    const inContext = asTask(await client.sendMessage(sendParams({ ...message, contextId: first.contextId })));
    expect(inContext.id).toBe(first.id);
    expect(chatCount()).toBe(before);
  });

  it('a non-blocking resend of a message still running answers its task at once (no second turn)', async () => {
    hub.worker.llm.script({ reply: 'slow and once', delayMs: 4_000 });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const message = userMessage('resend me while I run');
    const first = asTask(await client.sendMessage(sendParams(message, true)));
    const before = chatCount();
    const startedAt = Date.now();
    const resent = asTask(await client.sendMessage(sendParams(message, true)));
    expect(Date.now() - startedAt).toBeLessThan(3_500);
    expect(resent.id).toBe(first.id);
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(resent.status?.state);
    const done = asTask(await client.sendMessage(sendParams(message)));
    expect(done).toMatchObject({ id: first.id, status: { state: TaskState.TASK_STATE_COMPLETED } });
    expect(replyOf(done)).toBe('slow and once');
    expect(chatCount()).toBe(before);
  });

  it('a streaming send delivers the task, status and artifact events and the final answer', async () => {
    // Slow enough that the reply's tokens go out as events (a reply within the first batch window goes out whole).
    hub.worker.llm.script({ reply: 'streamed in many small chunks', chunkDelayMs: 80 });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const kinds: string[] = [];
    let chunks = '';
    let taskId = '';
    let final: TaskState | undefined;
    for await (const event of client.sendMessageStream(sendParams(userMessage('stream these words please')))) {
      const payload = event.payload!;
      kinds.push(payload.$case);
      if (payload.$case === 'task') taskId = payload.value.id;
      if (payload.$case === 'artifactUpdate') {
        const text = textOfParts(payload.value.artifact?.parts);
        chunks = payload.value.append ? chunks + text : text;
      }
      if (payload.$case === 'statusUpdate') final = payload.value.status?.state;
    }
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain('statusUpdate');
    expect(kinds.filter((k) => k === 'artifactUpdate').length).toBeGreaterThan(1);
    expect(final).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(chunks).toBe('streamed in many small chunks');
    const task = await client.getTask({ tenant: '', id: taskId, historyLength: undefined });
    expect(replyOf(task)).toBe('streamed in many small chunks');
  });

  it('a tool that needs approval makes the task input-required; "approve" on the task lets the turn finish', async () => {
    hub.worker.llm.script({ toolCalls: [{ name: 'save_note', arguments: { title: 'a2a-approval', body: 'x' } }] }, { reply: 'noted over a2a' });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const waiting = asTask(await client.sendMessage(sendParams(userMessage('save a note'))));
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOfParts(waiting.status?.message?.parts)).toContain("'save_note'");
    const done = asTask(await client.sendMessage(sendParams(userMessage('approve', { contextId: waiting.contextId, taskId: waiting.id }))));
    expect(done).toMatchObject({ id: waiting.id, status: { state: TaskState.TASK_STATE_COMPLETED } });
    expect(replyOf(done)).toBe('noted over a2a');
  });

  it('cancel stops the running turn: the task is canceled and the context goes on', async () => {
    hub.worker.llm.script({ hang: true });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const submitted = asTask(await client.sendMessage(sendParams(userMessage('take forever'), true)));
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(submitted.status?.state);
    await hub.worker.llm.waitFor(() => hub.worker.llm.chatRequests().some((r) => JSON.stringify(r.body?.messages).includes('take forever')), 20_000);
    const cancelled = await client.cancelTask({ tenant: '', id: submitted.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const later = await client.getTask({ tenant: '', id: submitted.id, historyLength: undefined });
    expect(later.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    // Only the turn was cancelled: the context goes on.
    const next = asTask(await client.sendMessage(sendParams(userMessage('still here?', { contextId: submitted.contextId }))));
    expect(next).toMatchObject({ id: `${submitted.contextId}.turn-2`, status: { state: TaskState.TASK_STATE_COMPLETED } });
    // A closed context refuses new messages (409 session_closed).
    const closed = await hub.app().request(`/v1/sessions/${submitted.contextId}`, { method: 'DELETE', headers: { authorization: 'Bearer key-a' } });
    expect(closed.status).toBe(200);
    await expect(client.sendMessage(sendParams(userMessage('anyone?', { contextId: submitted.contextId })))).rejects.toThrow(/409/);
  });
});

describe('restarts', () => {
  it('a task survives a worker restart mid-turn: the new worker finishes the turn and get task answers it', async () => {
    // The first model call is cut off by the shutdown; its retry (on the new worker) answers.
    hub.worker.llm.script({ hang: true }, { reply: 'survived the worker' });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const submitted = asTask(await client.sendMessage(sendParams(userMessage('outlive the worker'), true)));
    await hub.worker.llm.waitFor(() => hub.worker.llm.chatRequests().some((r) => JSON.stringify(r.body?.messages).includes('outlive the worker')), 20_000);
    await hub.restartWorker();
    hub.restartGateway();
    const fresh = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    let task = await fresh.getTask({ tenant: '', id: submitted.id, historyLength: undefined });
    for (const deadline = Date.now() + 60_000; task.status?.state !== TaskState.TASK_STATE_COMPLETED && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      task = await fresh.getTask({ tenant: '', id: submitted.id, historyLength: undefined });
    }
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(replyOf(task)).toBe('survived the worker');
    // The model call cut off by the shutdown, then its retry on the new worker.
    const calls = hub.worker.llm.chatRequests().filter((r) => JSON.stringify(r.body?.messages).includes('outlive the worker'));
    expect(calls.map((r) => r.aborted)).toEqual([true, false]);
  }, 90_000);
});

describe('resubscribing', () => {
  it('a client reconnects to a running task through a restarted gateway and gets the rest of its events', async () => {
    hub.worker.llm.script({ reply: 'worth the wait', delayMs: 1_500, chunkDelayMs: 60 });
    const client = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const submitted = asTask(await client.sendMessage(sendParams(userMessage('reconnect to me'), true)));
    hub.restartGateway();
    const fresh = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const kinds: string[] = [];
    let final: Task['status'];
    for await (const event of fresh.resubscribeTask({ tenant: '', id: submitted.id })) {
      const payload = event.payload!;
      kinds.push(payload.$case);
      if (payload.$case === 'statusUpdate') final = payload.value.status;
    }
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain('artifactUpdate');
    expect(final?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOfParts(final?.message?.parts)).toBe('worth the wait');
    // A finished task cannot be subscribed to (the SDK's rule).
    const again = fresh.resubscribeTask({ tenant: '', id: submitted.id });
    await expect(again.next()).rejects.toThrow(/ended/);
  });
});

describe('tenants', () => {
  it("a tenant's own agent is served to it (latest or a pinned version) and to no other tenant", async () => {
    const name = `own-${Date.now()}`;
    const created = await hub.app().request('/v1/agents', {
      method: 'POST',
      headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
      body: JSON.stringify({ name, description: 'tenant a only', instructions: 'be brief', tools: ['calculator'] }),
    });
    expect(created.status).toBe(201);
    const card = await (await a2aClient(hub.agentUrl(name), 'key-a')).getAgentCard();
    expect(card).toMatchObject({ name, description: 'tenant a only', version: '1' });
    expect(card.skills.map((s) => s.id)).toEqual([name, 'tool:calculator']);
    const pinned = await a2aClient(hub.agentUrl(`${name}@1`), 'key-a');
    const task = asTask(await pinned.sendMessage(sendParams(userMessage('hello own agent'))));
    expect(replyOf(task)).toBe('You said: hello own agent');
    const system = hub.worker.llm.chatRequests().at(-1)!.body?.messages?.[0];
    expect(system).toMatchObject({ role: 'system' });
    expect(JSON.stringify(system)).toContain('be brief');
    const other = await bearerFetch('key-b')(`${hub.agentUrl(name)}.well-known/agent-card.json`);
    expect(other.status).toBe(404);
  });

  it("one tenant cannot get another tenant's task", async () => {
    const a = await a2aClient(hub.agentUrl('assistant'), 'key-a');
    const task = asTask(await a.sendMessage(sendParams(userMessage('tenant a secret'))));
    const b = await a2aClient(hub.agentUrl('assistant'), 'key-b');
    await expect(b.getTask({ tenant: '', id: task.id, historyLength: undefined })).rejects.toThrow(/not found/i);
    await expect(b.sendMessage(sendParams(userMessage('continue', { contextId: task.contextId, taskId: task.id })))).rejects.toThrow(/not found/i);
  });
});

describe('protocol 0.3 through the SDK compatibility layer', () => {
  it('message/send and tasks/get without an A2A-Version header', async () => {
    const rpc = (method: string, params: unknown) =>
      bearerFetch('key-a')(`${hub.origin}/a2a/assistant`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }),
      }).then((r) => r.json() as Promise<{ result?: any; error?: unknown }>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const sent = await rpc('message/send', {
      message: { kind: 'message', messageId: crypto.randomUUID(), role: 'user', parts: [{ kind: 'text', text: 'legacy hello' }] },
    });
    expect(sent.error).toBeUndefined();
    expect(sent.result).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    const got = await rpc('tasks/get', { id: sent.result.id });
    expect(got.result.artifacts[0].parts[0]).toMatchObject({ kind: 'text', text: 'You said: legacy hello' });
  });

  it('message/stream answers Server-Sent Events of v0.3 task, status-update and artifact-update results', async () => {
    const res = await bearerFetch('key-a')(`${hub.origin}/a2a/assistant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 8,
        method: 'message/stream',
        params: { message: { kind: 'message', messageId: crypto.randomUUID(), role: 'user', parts: [{ kind: 'text', text: 'legacy stream' }] } },
      }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const results = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => (JSON.parse(l.slice(5)) as { id: number; result: { kind: string; status?: { state: string }; final?: boolean } }));
    expect(results.every((r) => r.id === 8)).toBe(true);
    expect(results[0]!.result.kind).toBe('task');
    expect(results.map((r) => r.result.kind)).toContain('artifact-update');
    expect(results.at(-1)!.result).toMatchObject({ kind: 'status-update', status: { state: 'completed' }, final: true });
  });
});
