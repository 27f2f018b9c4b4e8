// Remote A2A agents: inspectRemoteAgent (card, SSRF guard, validation) and callRemoteAgent (send, follow, resume after a crash)
// against the SDK's own A2A server in-process.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Logger } from '@temporalio/common';
import type { CallRemoteAgentRequest, RemoteAgentCardSummary, RemoteCallProgress, SessionEvent, StoredRemoteAgent } from '@hub/contracts';
import { createRemoteAgentActivities, type RemoteAgentActivityDeps } from '../src/a2a';
import { startFixtureAgent, type FixtureAgent } from './a2a-fixture';

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const WF = { workflowId: 'session/acme/s1', runId: 'run-1' };
/** A MockActivityEnvironment with a typed `exec`. */
function env(i: Partial<Info> = {}) {
  const e = new MockActivityEnvironment({ workflowExecution: WF, activityId: '9', attempt: 1, heartbeatTimeoutMs: 3000, ...i }, { logger: quiet });
  return Object.assign(e, { exec: <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => e.run(fn, arg) as Promise<R> });
}
const security = (allowPrivateHosts: string[]) => ({ security: { allowPrivateHosts, stdioCommandAllowlist: [] } });

let agent: FixtureAgent;
let card: RemoteAgentCardSummary;
const stored = (over: Partial<StoredRemoteAgent> = {}): StoredRemoteAgent => ({
  ...card,
  name: 'echo',
  cardUrl: agent.cardUrl,
  source: 'remote',
  headers: { Authorization: 'Bearer remote-secret' },
  headerNames: ['Authorization'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const acts = (extra: Partial<RemoteAgentActivityDeps> = {}) =>
  createRemoteAgentActivities({ hubConfig: security(['127.0.0.1']), lookupRemote: async (_t, name) => (name === 'echo' ? stored() : undefined), pollIntervalMs: 20, heartbeatIntervalMs: 20, ...extra });
const call = (over: Partial<CallRemoteAgentRequest> = {}): CallRemoteAgentRequest => ({ tenant: 'acme', name: 'echo', url: agent.url, task: 'hello there', ...over });

beforeAll(async () => {
  agent = await startFixtureAgent();
  card = await env().exec(acts().inspectRemoteAgent, { tenant: 'acme', cardUrl: agent.cardUrl });
});
afterAll(async () => {
  await agent?.close();
});
beforeEach(() => {
  agent.messages.length = 0;
  agent.requests.length = 0;
  agent.rpcMethods.length = 0;
  agent.delayMs = 50;
  agent.answer = (text) => ({ text: `echo: ${text}` });
});

describe('inspectRemoteAgent', () => {
  it('reads the card: name, description, skills, the JSON-RPC endpoint and its protocol version', () => {
    expect(card).toEqual({
      cardName: 'Echo agent',
      description: 'Answers every task with an echo.',
      skills: [{ id: 'echo', name: 'Echo', description: 'Says it back' }],
      url: agent.url,
      protocolVersion: '1.0',
      streaming: true,
      version: '1.2.3',
    });
  });

  it('refuses a loopback card URL unless security.allowPrivateHosts lists it (non-retryable)', async () => {
    const err = await env()
      .run(createRemoteAgentActivities({ hubConfig: security([]) }).inspectRemoteAgent, { tenant: 'acme', cardUrl: agent.cardUrl })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('RemoteAgentRejected');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toMatch(/127\.0\.0\.1.*not a public address.*allowPrivateHosts/);
  });

  it("refuses a card whose JSON-RPC endpoint is a private address the allowlist does not name", async () => {
    const sneaky = await startFixtureAgent({
      cardOverride: (c) => ({ ...c, supportedInterfaces: [{ url: 'http://10.1.2.3/rpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] }),
    });
    try {
      const err = await env().exec(acts().inspectRemoteAgent, { tenant: 'acme', cardUrl: sneaky.cardUrl }).catch((e: unknown) => e);
      expect((err as ApplicationFailure).type).toBe('RemoteAgentRejected');
      expect((err as Error).message).toMatch(/JSON-RPC endpoint.*10\.1\.2\.3/);
    } finally {
      await sneaky.close();
    }
  });

  it('refuses a card without a JSON-RPC interface, naming what is missing', async () => {
    const bad = await startFixtureAgent({ cardOverride: (c) => ({ ...c, supportedInterfaces: [] }) });
    try {
      const err = await env().exec(acts().inspectRemoteAgent, { tenant: 'acme', cardUrl: bad.cardUrl }).catch((e: unknown) => e);
      expect((err as ApplicationFailure).type).toBe('RemoteAgentRejected');
      expect((err as Error).message).toMatch(/no JSON-RPC interface/);
    } finally {
      await bad.close();
    }
  });
});

describe('callRemoteAgent', () => {
  it("sends the task once with the registry's headers and a deterministic message id, and answers the remote's reply", async () => {
    const result = await env().exec(acts().callRemoteAgent, call());
    expect(result).toMatchObject({ ok: true, reply: 'echo: hello there', state: 'completed', usage: { totalTokens: 0 } });
    expect(result.taskId).toEqual(expect.any(String));
    expect(agent.messages).toEqual([{ messageId: 'session/acme/s1/9', text: 'hello there' }]);
    const rpc = agent.requests.filter((r) => r.path === '/rpc');
    expect(rpc.length).toBeGreaterThan(0);
    expect(rpc.every((r) => r.headers['authorization'] === 'Bearer remote-secret')).toBe(true);
  });

  it("publishes each state change of the remote task as tool.progress of the ask_ call, to the stream it is told", async () => {
    agent.delayMs = 150;
    const published: { ev: SessionEvent; target: unknown }[] = [];
    const publisher = (_ctx: unknown, target?: unknown) => ({ publish: (ev: SessionEvent) => void published.push({ ev, target }), close: async () => undefined });
    const streamTo = { workflowId: 'session/acme/s1', delegationId: 'turn-1.call-1' };
    await env().exec(acts({ publisher }).callRemoteAgent, call({ turnId: 'turn-1', toolCallId: 'call-1', delegationId: 'turn-1.call-1', streamTo }));
    const states = published.map((p) => (p.ev.type === 'tool.progress' ? p.ev.message?.replace(/^remote task \S+: /, '') : p.ev.type));
    expect(states[0]).toMatch(/^(submitted|working)$/);
    expect(states.at(-1)).toBe('completed');
    expect(published[0]).toMatchObject({ ev: { type: 'tool.progress', turnId: 'turn-1', toolCallId: 'call-1', tool: 'ask_echo', progress: 1 }, target: streamTo });
  });

  it('uses the messageId the workflow gives', async () => {
    await env().exec(acts().callRemoteAgent, call({ messageId: 'session/acme/s1/turn-3/call-1' }));
    expect(agent.messages.map((m) => m.messageId)).toEqual(['session/acme/s1/turn-3/call-1']);
  });

  it('a retry after a crash resumes the task the dead attempt heartbeated: the remote saw one message', async () => {
    agent.delayMs = 400;
    const beats: unknown[] = [];
    const first = env({ attempt: 1 });
    first.on('heartbeat', (d: unknown) => beats.push(d));
    const crashing = acts({
      afterTaskKnown: async (_p, attempt) => {
        if (attempt === 1) throw new Error('worker died');
      },
    });
    await expect(first.exec(crashing.callRemoteAgent, call())).rejects.toThrow('worker died');
    const last = beats.at(-1) as RemoteCallProgress;
    expect(last).toMatchObject({ messageId: 'session/acme/s1/9', taskId: expect.any(String) });
    expect(agent.messages).toHaveLength(1);

    const retry = env({ attempt: 2, heartbeatDetails: last });
    const result = await retry.exec(crashing.callRemoteAgent, call());
    expect(result).toMatchObject({ ok: true, reply: 'echo: hello there', taskId: last.taskId });
    expect(agent.messages).toHaveLength(1);
    expect(agent.rpcMethods.filter((m) => m === 'SendMessage')).toHaveLength(1);
  });

  it("reports a failed remote task to the model (ok: false), without retrying", async () => {
    agent.answer = () => ({ text: 'cannot do that', fail: true });
    const result = await env().exec(acts().callRemoteAgent, call());
    expect(result).toMatchObject({ ok: false, state: 'failed', reply: 'cannot do that' });
    expect(result.error).toMatch(/ended failed: cannot do that/);
  });

  it('refuses a name the registry does not have, and a pinned url the registration no longer has, sending nothing', async () => {
    const unknown = await env().exec(acts().callRemoteAgent, call({ name: 'gone' }));
    expect(unknown).toMatchObject({ ok: false, error: expect.stringMatching(/no remote A2A agent named 'gone'/) });
    const moved = await env().exec(acts().callRemoteAgent, call({ url: 'http://127.0.0.1:1/rpc' }));
    expect(moved).toMatchObject({ ok: false, error: expect.stringMatching(/another endpoint/) });
    expect(agent.requests).toHaveLength(0);
  });

  it('a remote task id the remote does not know is its refusal (ok: false), not a resend', async () => {
    const result = await env({ attempt: 2, heartbeatDetails: { messageId: 'm-1', taskId: 'no-such-task' } }).exec(acts().callRemoteAgent, call());
    expect(result).toMatchObject({ ok: false, taskId: 'no-such-task' });
    expect(agent.messages).toHaveLength(0);
  });

  it('cancelling the activity cancels the remote task', async () => {
    agent.delayMs = 5_000;
    const e = env();
    let known: RemoteCallProgress | undefined;
    const running = e.exec(acts({ afterTaskKnown: async (p) => void (known = p) }).callRemoteAgent, call());
    await expect.poll(() => known?.taskId, { timeout: 5_000 }).toEqual(expect.any(String));
    e.cancel();
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    expect(agent.rpcMethods).toContain('CancelTask');
    expect(agent.rpcMethods.filter((m) => m === 'SendMessage')).toHaveLength(1);
  });
});
