/**
 * TEST FIXTURE — scripting a team of agents on one scripted LLM server.
 *
 * Every model call of a session, a handoff target or a delegation's child workflow reaches the same
 * server; `teamResponder` tells them apart by the agent they are for (a `[agent:<name>]` tag tests put
 * in the agent's instructions, which the model sees as the system prompt) and answers each from that
 * agent's own script:
 *
 *   const team = teamResponder({
 *     agents: {
 *       lead: [parallel(delegate('researcher', 'find facts'), delegate('writer', 'draft')), (req) => reply(`Done: ${toolResultsOf(req).map((r) => r.content).join(' + ')}`)],
 *       researcher: [{ reply: 'facts', delayMs: 300 }],
 *       writer: [{ reply: 'draft', delayMs: 300 }],
 *       triage: [handoff('billing')],
 *       billing: (req) => reply(`billing here: ${lastUserMessage(req)}`),
 *     },
 *   });
 *   llm.setResponder(team.responder);
 *   ...
 *   expect(spansOverlap([...team.spans('researcher'), ...team.spans('writer')])).toBe(true);
 *
 * An agent's script is a list of steps, taken in order (`mode: 'queue'`, the default) or picked by the
 * request's round within the agent's stretch of the turn (`mode: 'round'`: the assistant messages since the
 * last user message or handoff; a retried model call gets the same step again), or one function that
 * answers every request. A step is a ScriptStep or a function of the request. Requests for no known
 * agent, and agents whose list is used up, get `fallback` (default: the echo answer).
 */
import { echoResponder, textOf } from './responders';
import type { RecordedRequest, Responder, ScriptStep, ScriptedToolCall } from './script';

/** A step that asks for tool calls. */
export type ToolCallStep = Extract<ScriptStep, { toolCalls: ScriptedToolCall[] }>;

/** What a step function learns about the request besides the request itself. */
export interface TeamRequestInfo {
  /** The agent the request is for. */
  agent: string;
  /** Assistant messages since the last user message or handoff (0 = the agent's first call of its stretch). */
  round: number;
  /** How many earlier requests this responder answered for the agent. */
  calls: number;
}

export type TeamStepFn = (req: RecordedRequest, info: TeamRequestInfo) => ScriptStep | Promise<ScriptStep>;
export type TeamStep = ScriptStep | TeamStepFn;
/** Steps in order, or one function answering every request of the agent. */
export type AgentScript = TeamStep[] | TeamStepFn;

export interface TeamResponderOptions {
  agents: Record<string, AgentScript>;
  /** How list scripts pick a step (see the file comment). Default 'queue'. */
  mode?: 'queue' | 'round';
  /** Which agent a request is for. Default: `markers`, else the `[agent:<name>]` tag in the system prompt. */
  identify?: (req: RecordedRequest) => string | undefined;
  /** Agent → a text its instructions contain (the system prompt), for agents without a tag. */
  markers?: Record<string, string>;
  /** Answers requests for no scripted agent and agents whose list is used up. Default: the echo answer. */
  fallback?: Responder;
}

/** One request the team responder answered. */
export interface TeamCall {
  /** The agent it was for (undefined: no agent matched). */
  agent: string | undefined;
  request: RecordedRequest;
  step: ScriptStep;
  /** True when `fallback` answered it. */
  fallback: boolean;
}

/** When an agent's model call was in flight (ms since the epoch; `end` unset while it is still open). */
export interface CallSpan {
  agent: string;
  seq: number;
  start: number;
  end: number | undefined;
}

export interface TeamResponder {
  /** Pass to `startScriptedLlmServer({ responder })`, `llm.setResponder(…)` or `llm.script(…)`. */
  responder: Responder;
  /** Every request answered, in arrival order. */
  calls: TeamCall[];
  /** The requests answered for `agent`. */
  callsOf(agent: string): TeamCall[];
  /** The time spans of the model calls of `agent` (every agent's when omitted), in arrival order. */
  spans(agent?: string): CallSpan[];
  /** Steps still queued for `agent` (list scripts in queue mode; 0 otherwise). */
  pending(agent: string): number;
  /** Forget the calls and refill the queues from the scripts. */
  reset(): void;
}

/** A tool call step (the server assigns an id unless given). */
export function toolCall(name: string, args: Record<string, unknown> | string = {}, id?: string): ToolCallStep {
  return { toolCalls: [{ name, arguments: args, ...(id !== undefined ? { id } : {}) }] };
}

/** The model transfers the conversation to `to` (the tool `transfer_to_<to>`). */
export function handoff(to: string, args: Record<string, unknown> = {}, id?: string): ToolCallStep {
  return toolCall(`transfer_to_${to}`, args, id);
}

/** The model asks the delegate `agent` to do `task` (the tool `ask_<agent>({task})`). */
export function delegate(agent: string, task: string, id?: string): ToolCallStep {
  return toolCall(`ask_${agent}`, { task }, id);
}

/** One model response asking for all these tool calls at once (in this order). */
export function parallel(...calls: Array<ToolCallStep | ScriptedToolCall>): ToolCallStep {
  return { toolCalls: calls.flatMap((c) => ('toolCalls' in c ? c.toolCalls : [c])) };
}

/** A text answer. */
export function reply(text: string, extra: Omit<Extract<ScriptStep, { reply: string }>, 'reply'> = {}): ScriptStep {
  return { ...extra, reply: text };
}

type WireMessage = { role: string; content?: unknown; [k: string]: unknown };
const messagesOf = (req: RecordedRequest): WireMessage[] => req.body?.messages ?? [];

/** The system prompt of the request ('' if none). */
export function systemPromptOf(req: RecordedRequest): string {
  return messagesOf(req)
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .join('\n');
}

/** The name in the first `[agent:<name>]` tag of the system prompt. */
export function agentTagOf(req: RecordedRequest): string | undefined {
  return /\[agent:([a-z0-9][a-z0-9-]*)\]/.exec(systemPromptOf(req))?.[1];
}

/** The names of the tools the request offers the model. */
export function offeredToolNames(req: RecordedRequest): string[] {
  const names: string[] = [];
  for (const t of req.body?.tools ?? []) {
    const name = (t as { function?: { name?: unknown } } | null)?.function?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

function toolCallsOf(m: WireMessage): Array<{ id: string; name: string; arguments: string }> {
  const calls = m['tool_calls'];
  if (!Array.isArray(calls)) return [];
  return calls.map((c: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }) => ({
    id: String(c.id ?? ''),
    name: String(c.function?.name ?? ''),
    arguments: String(c.function?.arguments ?? ''),
  }));
}

/** Index of the first message after the last user message. */
function turnStart(msgs: WireMessage[]): number {
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]?.role === 'user') return i + 1;
  return 0;
}

/** Assistant messages since the last user message or the last handoff (`transfer_to_…` call). */
export function roundOf(req: RecordedRequest): number {
  const msgs = messagesOf(req);
  let round = 0;
  for (let i = turnStart(msgs); i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role !== 'assistant') continue;
    round = toolCallsOf(m).some((c) => c.name.startsWith('transfer_to_')) ? 0 : round + 1;
  }
  return round;
}

/** The tool results the model sees since the last user message, with the name of the tool each answers. */
export function toolResultsOf(req: RecordedRequest): Array<{ toolCallId: string; name: string; content: string }> {
  const msgs = messagesOf(req);
  const names = new Map<string, string>();
  const out: Array<{ toolCallId: string; name: string; content: string }> = [];
  for (let i = turnStart(msgs); i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role === 'assistant') for (const c of toolCallsOf(m)) names.set(c.id, c.name);
    if (m.role === 'tool') {
      const id = String(m['tool_call_id'] ?? '');
      out.push({ toolCallId: id, name: names.get(id) ?? String(m['name'] ?? ''), content: textOf(m.content) });
    }
  }
  return out;
}

/** True when every span was in flight at one moment (each started before any ended). */
export function spansOverlap(spans: readonly CallSpan[]): boolean {
  if (spans.length < 2 || spans.some((s) => s.end === undefined)) return false;
  return Math.max(...spans.map((s) => s.start)) < Math.min(...spans.map((s) => s.end!));
}

/** The most spans in flight at one moment (open spans count as still running). */
export function peakConcurrency(spans: readonly CallSpan[]): number {
  const edges = spans.flatMap((s) => [
    { t: s.start, d: 1 },
    { t: s.end ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // an end at the same instant as a start comes first
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

export function teamResponder(opts: TeamResponderOptions): TeamResponder {
  const mode = opts.mode ?? 'queue';
  const fallback = opts.fallback ?? echoResponder;
  const markers = Object.entries(opts.markers ?? {});
  const identify =
    opts.identify ??
    ((req: RecordedRequest) => {
      const prompt = systemPromptOf(req);
      return markers.find(([, text]) => prompt.includes(text))?.[0] ?? agentTagOf(req);
    });
  const calls: TeamCall[] = [];
  const queues = new Map<string, TeamStep[]>();
  const refill = () => {
    queues.clear();
    for (const [name, script] of Object.entries(opts.agents)) if (Array.isArray(script)) queues.set(name, [...script]);
  };
  refill();

  const pick = (agent: string, script: AgentScript, round: number): TeamStep | undefined => {
    if (!Array.isArray(script)) return script;
    return mode === 'round' ? script[round] : queues.get(agent)?.shift();
  };

  const responder: Responder = async (req) => {
    const agent = identify(req);
    const script = agent !== undefined && Object.hasOwn(opts.agents, agent) ? opts.agents[agent] : undefined;
    const round = roundOf(req);
    const chosen = agent !== undefined && script !== undefined ? pick(agent, script, round) : undefined;
    let step: ScriptStep;
    if (chosen === undefined) step = await fallback(req);
    else if (typeof chosen === 'function') step = await chosen(req, { agent: agent!, round, calls: calls.filter((c) => c.agent === agent).length });
    else step = chosen;
    calls.push({ agent, request: req, step, fallback: chosen === undefined });
    return step;
  };

  return {
    responder,
    calls,
    callsOf: (agent) => calls.filter((c) => c.agent === agent),
    spans: (agent) =>
      calls
        .filter((c) => c.agent !== undefined && (agent === undefined || c.agent === agent))
        .map((c) => ({ agent: c.agent!, seq: c.request.seq, start: c.request.receivedAt, end: c.request.completedAt })),
    pending: (agent) => queues.get(agent)?.length ?? 0,
    reset: () => {
      calls.length = 0;
      refill();
    },
  };
}
