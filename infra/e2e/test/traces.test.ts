/**
 * End to end: a chat turn is one trace. The real stack (dev server, worker and gateway processes) exports
 * its spans over OTLP/HTTP to a receiver in the test (@hub/testing/otlp-receiver); the scripted LLM has the
 * agent call a tool of the repo's own pinboard MCP server (tools/servers/pinboard, a config server) and
 * delegate to a second agent (a child workflow). The turn's spans, from both processes, must form one tree:
 *
 *   POST /v1/sessions/:id/messages (gateway, server span)
 *   └ StartWorkflowUpdate:sendMessage (gateway, Temporal client)
 *     └ HandleUpdate:sendMessage (workflow, through the sink)
 *       ├ StartActivity:llmComplete └ RunActivity:llmComplete └ llm.call (model, provider, tokens)
 *       ├ StartActivity:executeTool └ RunActivity:executeTool └ mcp.tool_call (server, tool, outcome)
 *       └ StartChildWorkflow:agentDelegation └ RunWorkflow:agentDelegation └ … └ llm.call (the delegate's)
 *
 * and a turn whose agent uses the research tool has the research job (a child workflow) and its sub-agents'
 * model calls in its trace.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRecord, McpServerState, SessionState, TurnResult } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '@hub/testing/otlp-receiver';
import { delegate, reply, startScriptedLlmServer, teamResponder, toolCall, toolResultsOf, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';
import { HubStack } from '../src/stack';

const pinboardMain = join(repoRoot(), 'tools', 'servers', 'pinboard', 'src', 'main.ts');
const team = teamResponder({
  mode: 'round',
  agents: {
    'tr-lead': [
      toolCall('pinboard__list_pins'),
      delegate('tr-helper', 'summarise the board'),
      (req) => reply(`Lead: ${toolResultsOf(req).map((r) => r.content).join(' | ')}`, { usage: { promptTokens: 40, completionTokens: 7 } }),
    ],
    'tr-helper': [reply('Helper: the board is empty.')],
    'tr-researcher': [toolCall('research', { question: 'Traced research', maxAgents: 2 }), (req) => reply(`Researched: ${toolResultsOf(req).length} result`)],
  },
  // The research job's own model calls (planner, sub-agents, synthesizer) carry no agent tag.
  fallback: researchResponder,
});

let llm: ScriptedLlmServer;
let otlp: OtlpReceiver;
let hub: HubStack;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  llm = await startScriptedLlmServer({ responder: team.responder });
  hub = new HubStack({ llmUrl: llm.url });
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ mcpServers: { pinboard: { command: process.execPath, args: ['--import', 'tsx', pinboardMain], env: { PINBOARD_FILE: join(hub.dataDir, 'pins.json') } } } }),
  );
  hub.opts.env = {
    ...hub.opts.env,
    HUB_CONFIG: configFile,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_BSP_SCHEDULE_DELAY: '200', // export within a fraction of a second (default 5 s)
  };
  await hub.start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
  await otlp?.close();
});

/** POST /v1/agents; a 503/504 (the registry's first start on a busy machine) is retried with the same Idempotency-Key. */
const define = async (def: Record<string, unknown>) => {
  const res = await hub.apiRetried<AgentRecord>('POST', '/v1/agents', def, `define-${String(def.name)}-${randomUUID()}`);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};

/** The names from the trace's root down to `s`. */
function chainOf(s: ReceivedSpan, spans: ReceivedSpan[]): string[] {
  const byId = new Map(spans.map((x) => [x.spanId, x]));
  const names = [s.name];
  for (let p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) names.unshift(p.name);
  return names;
}

describe('traces', () => {
  it('one chat turn is one trace: HTTP → Temporal client → workflow → activities → LLM and MCP tool calls, the delegate under its parent', async () => {
    await define({ name: 'tr-helper', description: 'Helps', instructions: '[agent:tr-helper] You help.' });
    await define({ name: 'tr-lead', description: 'Leads', instructions: '[agent:tr-lead] You lead.', tools: ['pinboard__*'], delegates: ['tr-helper'] });
    // The worker connects to the pinboard server (a tsx process) before the turn lists its tools.
    const tools = await hub.api<McpServerState>('GET', '/v1/mcp/servers/pinboard/tools');
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toContain('list_pins');

    const created = await hub.api<{ id: string; session: SessionState }>('POST', '/v1/sessions', { agent: 'tr-lead' });
    expect(created.status).toBe(201);
    const sent = await hub.api<TurnResult>('POST', `/v1/sessions/${created.body.id}/messages`, { text: 'what is on the board?' });
    expect(sent.status).toBe(200);
    expect(sent.body.reply).toBe('Lead: The board is empty. | Helper: the board is empty.');

    const route = 'POST /v1/sessions/:id/messages';
    // Everything of the turn has arrived once the delegate's run and the lead's last model call are in.
    const spans = await otlp.waitFor((all) => {
      const root = all.find((s) => s.name === route);
      if (!root) return false;
      const inTrace = all.filter((s) => s.traceId === root.traceId);
      return inTrace.filter((s) => s.name === 'llm.call').length >= 4 && inTrace.some((s) => s.name === 'RunWorkflow:agentDelegation') && inTrace.some((s) => s.name === 'mcp.tool_call');
    }, 60_000);
    const root = spans.find((s) => s.name === route)!;
    const trace = spans.filter((s) => s.traceId === root.traceId);

    // The HTTP span: the trace's root, the gateway's server span with its route and status.
    expect(root.parentSpanId).toBeUndefined();
    expect(root).toMatchObject({ service: 'hub-gateway', kind: 2, attributes: { 'http.route': '/v1/sessions/:id/messages', 'http.request.method': 'POST', 'http.response.status_code': 200 } });
    const turn = ['POST /v1/sessions/:id/messages', 'StartWorkflowUpdate:sendMessage', 'HandleUpdate:sendMessage'];

    // The lead's three model calls (tool call, delegation, reply), each under the update's span.
    const llmChains = trace.filter((s) => s.name === 'llm.call').map((s) => chainOf(s, trace).join(' > '));
    const direct = [...turn, 'StartActivity:llmComplete', 'RunActivity:llmComplete', 'llm.call'].join(' > ');
    const delegated = [...turn, 'StartChildWorkflow:agentDelegation', 'RunWorkflow:agentDelegation', 'StartActivity:llmComplete', 'RunActivity:llmComplete', 'llm.call'].join(' > ');
    expect(llmChains.sort()).toEqual([delegated, direct, direct, direct].sort());
    for (const call of trace.filter((s) => s.name === 'llm.call')) {
      expect(call.service).toBe('hub-worker');
      expect(call.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'scripted-model' });
      expect(call.attributes['hub.llm.provider']).toEqual(expect.any(String));
      expect(call.attributes['hub.llm.model_alias']).toEqual(expect.any(String));
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }
    // The scripted usage of the lead's last call is what its span says.
    expect(trace.filter((s) => s.name === 'llm.call').map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']])).toContainEqual([40, 7]);
    expect(trace.filter((s) => s.name === 'llm.call' && s.attributes['hub.agent'] !== undefined).map((s) => s.attributes['hub.agent']).sort()).toEqual(['tr-helper', 'tr-lead', 'tr-lead', 'tr-lead']);

    // The MCP tool call under the executeTool activity, with its server, tool and outcome.
    const mcp = trace.filter((s) => s.name === 'mcp.tool_call');
    expect(mcp).toHaveLength(1);
    expect(chainOf(mcp[0]!, trace)).toEqual([...turn, 'StartActivity:executeTool', 'RunActivity:executeTool', 'mcp.tool_call']);
    expect(mcp[0]!.attributes).toMatchObject({ 'mcp.server': 'pinboard', 'mcp.tool': 'list_pins', 'hub.tool': 'pinboard__list_pins', 'hub.tool.outcome': 'ok' });
    expect(mcp[0]!.status.code).not.toBe(2);

    // Gateway spans from the gateway, the rest from the worker; no span id twice.
    expect(new Set(trace.filter((s) => s.service === 'hub-gateway').map((s) => s.name))).toEqual(new Set([route, 'StartWorkflowUpdate:sendMessage']));
    const ids = trace.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a research job started by a turn is its child: the sub-agents\' model calls are in the turn\'s trace', async () => {
    await define({ name: 'tr-researcher', description: 'Researches', instructions: '[agent:tr-researcher] You research.', tools: ['research'] });
    const created = await hub.api<{ id: string }>('POST', '/v1/sessions', { agent: 'tr-researcher' });
    expect(created.status).toBe(201);
    const sent = await hub.api<TurnResult>('POST', `/v1/sessions/${created.body.id}/messages`, { text: 'research it' });
    expect(sent.status).toBe(200);
    expect(sent.body.reply).toBe('Researched: 1 result');

    const route = 'POST /v1/sessions/:id/messages';
    const inTurn = (all: ReceivedSpan[]) => {
      const roots = all.filter((s) => s.name === route && all.some((x) => x.traceId === s.traceId && x.name === 'RunWorkflow:researchJob'));
      return roots.length === 1 ? all.filter((s) => s.traceId === roots[0]!.traceId) : [];
    };
    const spans = await otlp.waitFor((all) => inTurn(all).filter((s) => s.name === 'RunActivity:researchAgentBatch').length > 0 && inTurn(all).some((s) => s.name === 'RunWorkflow:researchJob'), 90_000);
    const trace = inTurn(spans);
    const turn = [route, 'StartWorkflowUpdate:sendMessage', 'HandleUpdate:sendMessage'];
    const job = [...turn, 'StartChildWorkflow:researchJob', 'RunWorkflow:researchJob'];
    expect(chainOf(trace.find((s) => s.name === 'RunWorkflow:researchJob')!, trace)).toEqual(job);
    // Both sub-agents' model calls, in the job's batch activity.
    const agentCalls = trace.filter((s) => s.name === 'llm.call' && chainOf(s, trace).includes('RunActivity:researchAgentBatch'));
    expect(agentCalls).toHaveLength(2);
    for (const call of agentCalls) expect(chainOf(call, trace)).toEqual([...job, 'StartActivity:researchAgentBatch', 'RunActivity:researchAgentBatch', 'llm.call']);
    // Every model call of the trace (the session's, the planner's, the agents', the synthesizer's) hangs under the HTTP span.
    const calls = trace.filter((s) => s.name === 'llm.call');
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) expect(chainOf(call, trace).slice(0, 3)).toEqual(turn);
  });
});
