/** Tests of the scripted LLM's team responder (TEST FIXTURE), with the real `openai` SDK as client. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import {
  delegate,
  handoff,
  offeredToolNames,
  parallel,
  peakConcurrency,
  reply,
  roundOf,
  spansOverlap,
  startScriptedLlmServer,
  teamResponder,
  toolCall,
  toolResultsOf,
  type ScriptedLlmServer,
} from '../src/scripted-llm-server';

let llm: ScriptedLlmServer;
let client: OpenAI;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await llm?.close();
});
beforeEach(() => llm.reset());

const ask = async (system: string, messages: ChatCompletionMessageParam[], tools: string[] = []) => {
  const res = await client.chat.completions.create({
    model: 'm',
    messages: [{ role: 'system', content: system }, ...messages],
    ...(tools.length ? { tools: tools.map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object' } } })) } : {}),
  });
  const msg = res.choices[0]!.message;
  return { content: msg.content, calls: (msg.tool_calls ?? []).map((c) => (c.type === 'function' ? { id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) as unknown } : undefined)) };
};
const user = (content: string): ChatCompletionMessageParam => ({ role: 'user', content });

describe('step builders', () => {
  it('build handoff, delegation and parallel tool calls', () => {
    expect(handoff('billing')).toEqual({ toolCalls: [{ name: 'transfer_to_billing', arguments: {} }] });
    expect(delegate('researcher', 'find it', 'c1')).toEqual({ toolCalls: [{ name: 'ask_researcher', arguments: { task: 'find it' }, id: 'c1' }] });
    expect(parallel(delegate('a', 'x'), delegate('b', 'y'), { name: 'now', arguments: {} }).toolCalls.map((c) => c.name)).toEqual(['ask_a', 'ask_b', 'now']);
    expect(toolCall('calc', '{"e":"1"}')).toEqual({ toolCalls: [{ name: 'calc', arguments: '{"e":"1"}' }] });
    expect(reply('hi', { delayMs: 5 })).toEqual({ reply: 'hi', delayMs: 5 });
  });

  it('peakConcurrency and spansOverlap read call spans', () => {
    const s = (start: number, end: number | undefined) => ({ agent: 'a', seq: 0, start, end });
    expect(spansOverlap([s(0, 10), s(5, 20), s(9, 30)])).toBe(true);
    expect(spansOverlap([s(0, 10), s(10, 20)])).toBe(false);
    expect(spansOverlap([s(0, 10)])).toBe(false);
    expect(spansOverlap([s(0, 10), s(1, undefined)])).toBe(false);
    expect(peakConcurrency([s(0, 10), s(10, 20), s(15, 30)])).toBe(2);
    expect(peakConcurrency([s(0, 10), s(1, 11), s(2, 12)])).toBe(3);
    expect(peakConcurrency([])).toBe(0);
  });
});

describe('teamResponder (over HTTP)', () => {
  it('answers each agent from its own script, found by the [agent:name] tag of the system prompt', async () => {
    const team = teamResponder({
      agents: {
        lead: [parallel(delegate('researcher', 'find facts'), delegate('writer', 'draft it')), (req) => reply(`Done: ${toolResultsOf(req).map((r) => `${r.name}=${r.content}`).join(', ')}`)],
        researcher: [reply('the facts')],
        writer: (req, info) => reply(`draft #${info.calls + 1} round ${info.round} tools ${offeredToolNames(req).join('|') || 'none'}`),
      },
    });
    llm.setResponder(team.responder);
    const leadPrompt = 'You lead. [agent:lead]';
    const first = await ask(leadPrompt, [user('write a report')], ['ask_researcher', 'ask_writer']);
    expect(first.calls.map((c) => [c?.name, c?.args])).toEqual([
      ['ask_researcher', { task: 'find facts' }],
      ['ask_writer', { task: 'draft it' }],
    ]);
    const [r, w] = first.calls;
    expect((await ask('Research. [agent:researcher]', [user('find facts')])).content).toBe('the facts');
    expect((await ask('Write. [agent:writer]', [user('draft it')], ['search'])).content).toBe('draft #1 round 0 tools search');
    const second = await ask(leadPrompt, [
      user('write a report'),
      { role: 'assistant', content: null, tool_calls: first.calls.map((c) => ({ id: c!.id, type: 'function' as const, function: { name: c!.name, arguments: JSON.stringify(c!.args) } })) },
      { role: 'tool', tool_call_id: r!.id, content: 'the facts' },
      { role: 'tool', tool_call_id: w!.id, content: 'a draft' },
    ]);
    expect(second.content).toBe('Done: ask_researcher=the facts, ask_writer=a draft');
    expect(team.calls.map((c) => c.agent)).toEqual(['lead', 'researcher', 'writer', 'lead']);
    expect(team.callsOf('lead')).toHaveLength(2);
    expect(team.pending('lead')).toBe(0);
    // Used up: the fallback (echo) answers, and the call says so.
    expect((await ask('Research. [agent:researcher]', [user('again')])).content).toBe('You said: again');
    expect(team.calls.at(-1)).toMatchObject({ agent: 'researcher', fallback: true });
    // No agent at all: the fallback too.
    expect((await ask('Nobody.', [user('hello')])).content).toBe('You said: hello');
    expect(team.calls.at(-1)).toMatchObject({ agent: undefined, fallback: true });
    team.reset();
    expect(team.calls).toHaveLength(0);
    expect(team.pending('lead')).toBe(2);
  });

  it('markers name agents by a text of their instructions; round mode picks the step of the round, restarting after a handoff', async () => {
    const team = teamResponder({
      mode: 'round',
      markers: { triage: 'You route customers', billing: 'You handle invoices' },
      agents: { triage: [handoff('billing')], billing: [toolCall('lookup', { id: 7 }), (req) => reply(`invoice ${toolResultsOf(req).at(-1)?.content}`)] },
      fallback: () => ({ error: { status: 400, message: 'unscripted' } }),
    });
    llm.setResponder(team.responder);
    const h = await ask('You route customers.', [user('my invoice')]);
    expect(h.calls[0]?.name).toBe('transfer_to_billing');
    const afterHandoff: ChatCompletionMessageParam[] = [
      user('my invoice'),
      { role: 'assistant', content: null, tool_calls: [{ id: h.calls[0]!.id, type: 'function', function: { name: 'transfer_to_billing', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: h.calls[0]!.id, content: 'Transferred to billing.' },
    ];
    // Billing's first call after the handoff is its round 0, and asking twice (a retry) gives the same step.
    for (let i = 0; i < 2; i++) expect((await ask('You handle invoices.', afterHandoff)).calls[0]?.name).toBe('lookup');
    const lookedUp: ChatCompletionMessageParam[] = [
      ...afterHandoff,
      { role: 'assistant', content: null, tool_calls: [{ id: 'l1', type: 'function', function: { name: 'lookup', arguments: '{"id":7}' } }] },
      { role: 'tool', tool_call_id: 'l1', content: 'INV-7 paid' },
    ];
    expect((await ask('You handle invoices.', lookedUp)).content).toBe('invoice INV-7 paid');
    expect(roundOf(llm.chatRequests().at(-1)!)).toBe(1);
    await expect(ask('Someone else.', [user('x')])).rejects.toThrow(/unscripted/);
  });

  it('records when each agent was in flight, so tests can assert delegations overlapped', async () => {
    const team = teamResponder({ agents: { a: [reply('A', { delayMs: 150 })], b: [reply('B', { delayMs: 150 })], c: [reply('C')] } });
    llm.setResponder(team.responder);
    await Promise.all([ask('[agent:a]', [user('x')]), ask('[agent:b]', [user('y')])]);
    await ask('[agent:c]', [user('z')]);
    const [a, b] = [team.spans('a'), team.spans('b')];
    expect(a).toHaveLength(1);
    expect(a[0]!.end! - a[0]!.start).toBeGreaterThanOrEqual(140);
    expect(spansOverlap([...a, ...b])).toBe(true);
    expect(spansOverlap([...a, ...team.spans('c')])).toBe(false);
    expect(peakConcurrency(team.spans())).toBe(2);
  });
});
