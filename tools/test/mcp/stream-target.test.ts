/** A delegated agent's tool call publishes its progress to the root session's stream (`streamTo`), tagged. */
import { afterEach, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Logger } from '@temporalio/common';
import type { SessionEvent, StreamTarget, ToolRequest } from '@hub/contracts';
import { tagDelegation, type SessionEventPublisherFactory } from '@hub/runtime/streams';
import { ToolRegistry, createBuiltinProvider, createToolActivities } from '../../src';
import { McpConnectionManager, McpToolProvider } from '../../src/mcp';
import { memoryTransports } from './memory-server';

const noop = () => {};
const silentLogger: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

class Env extends MockActivityEnvironment {
  override run<P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P): Promise<R> {
    return super.run(fn, ...args) as Promise<R>;
  }
}

let manager: McpConnectionManager | undefined;
afterEach(async () => {
  await manager?.closeAll();
  manager = undefined;
});

function setup() {
  const mem = memoryTransports();
  manager = new McpConnectionManager({ createTransport: mem.createTransport });
  const provider = new McpToolProvider({
    manager,
    servers: async () => [{ name: 'mem', source: 'api', config: { command: 'mem' }, allowPrivateHosts: [], pins: {}, flagged: new Set() }],
  });
  const targets: Array<StreamTarget | undefined> = [];
  const events: SessionEvent[] = [];
  const publisher: SessionEventPublisherFactory = (_ctx, target) => {
    targets.push(target);
    return { publish: (ev) => void events.push(target ? tagDelegation(ev, target.delegationId) : ev), close: async () => undefined };
  };
  const acts = createToolActivities({ registry: new ToolRegistry([createBuiltinProvider(), provider]), progressPublisher: publisher, progressIntervalMs: 0 });
  return { acts, targets, events };
}

const childWorkflow = 'session/acme/s1/delegation/turn-3/call_1';

describe('executeTool stream target', () => {
  it('opens the progress publisher for streamTo and tags the events with the delegation id', async () => {
    const { acts, targets, events } = setup();
    const env = new Env({ activityId: 'turn-3/tool/call-9', workflowExecution: { workflowId: childWorkflow, runId: 'r' } }, { logger: silentLogger });
    const streamTo = { workflowId: 'session/acme/s1', delegationId: 'turn-3.call_1' };
    const req: ToolRequest = { name: 'mem__progress', arguments: '{"n":2}', sessionId: 's1', turnId: 'turn-3', toolCallId: 'call-9', streamTo };
    await expect(env.run(acts.executeTool, req)).resolves.toEqual({ ok: true, content: 'did 2 steps' });
    expect(targets).toEqual([streamTo]);
    expect(events.length).toBeGreaterThan(0);
    for (const ev of events) expect(ev).toMatchObject({ type: 'tool.progress', turnId: 'turn-3', toolCallId: 'call-9', delegationId: 'turn-3.call_1' });
  });

  it('a delegated call resolves MCP tools with the tenant of its root session (the child id is under it)', async () => {
    const { acts, targets } = setup();
    const env = new Env({ activityId: 'turn-3/tool/call-1', workflowExecution: { workflowId: childWorkflow, runId: 'r' } }, { logger: silentLogger });
    const req: ToolRequest = { name: 'mem__echo', arguments: '{"text":"hi"}', sessionId: 's1', turnId: 'turn-3', toolCallId: 'call-1' };
    await expect(env.run(acts.executeTool, req)).resolves.toEqual({ ok: true, content: 'echo: hi' });
    expect(targets).toEqual([]);
  });
});
