/**
 * The research shape the peers build (LangGraph.js and the plain `Promise.all` floor): the same three kinds
 * of chat-completions request the hub's research job sends, built from the hub's own prompt builders
 * (plannerPrompt, agentPrompt, synthesisInput), the same agent profiles (system prompt, temperature, model),
 * the same tools offered to each agent, the same plan schema as `response_format` and the same
 * `max_tokens` default, so the scripted LLM does the same work for all three. The plan is checked with the
 * hub's `parsePlan` (zod) and capped at N, as the job does.
 *
 * Kept light on purpose: the peers' child processes import this and `openai`, nothing of the hub's services.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { agentPrompt } from '@hub/contracts/research/wire';
import type { AgentFinding, SubTask } from '@hub/contracts';
import { parsePlan, plannerPrompt } from '../../../../workflows/src/research/planner';
import { synthesisInput } from '../../../../workflows/src/research/synthesizer';

/** One role's request settings, from the hub's agent profile of that role. */
export interface RoleSettings {
  systemPrompt: string;
  temperature: number;
  model: string;
}

/** Everything a peer needs to send the hub's requests (made by the bench process, handed to the peer's process). */
export interface PeerKit {
  llmUrl: string;
  planner: RoleSettings;
  researcher: RoleSettings;
  synthesizer: RoleSettings;
  /** The tools the hub offers each research agent (OpenAI function tools). */
  agentTools: ChatCompletionTool[];
  /** The plan's JSON schema (the job's `response_format`). */
  planSchema: Record<string, unknown>;
  /** The hub's LLM activity default (`DEFAULT_MAX_TOKENS`). */
  maxTokens: number;
}

/** What one run of the shape returns (checked by the bench: every agent answered, a report was written). */
export interface ShapeOutcome {
  agents: number;
  succeeded: number;
  reportChars: number;
}

function body(kit: PeerKit, role: RoleSettings, prompt: string): ChatCompletionCreateParamsNonStreaming {
  return {
    model: role.model,
    temperature: role.temperature,
    messages: [
      ...(role.systemPrompt ? [{ role: 'system' as const, content: role.systemPrompt }] : []),
      { role: 'user' as const, content: prompt },
    ],
    // As the hub's LLM activity sends them: its max_tokens default, and stream: false said outright.
    max_tokens: kit.maxTokens,
    stream: false,
  };
}

export function plannerRequest(kit: PeerKit, question: string, maxAgents: number): ChatCompletionCreateParamsNonStreaming {
  return {
    ...body(kit, kit.planner, plannerPrompt(question, maxAgents)),
    response_format: { type: 'json_schema', json_schema: { name: 'research_plan', schema: kit.planSchema, strict: true } },
  };
}

export function agentRequest(kit: PeerKit, question: string, task: SubTask): ChatCompletionCreateParamsNonStreaming {
  return { ...body(kit, kit.researcher, agentPrompt({ overallQuestion: question, task })), ...(kit.agentTools.length ? { tools: kit.agentTools } : {}) };
}

export function synthesizerRequest(kit: PeerKit, question: string, plan: readonly SubTask[], findings: readonly Finding[]): ChatCompletionCreateParamsNonStreaming {
  const asFindings: AgentFinding[] = findings.map((f) => ({
    index: f.index,
    workflowId: '',
    status: 'succeeded',
    answer: f.answer,
    toolCalls: [],
    sources: [],
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
  }));
  const sorted = [...asFindings].sort((a, b) => a.index - b.index);
  return body(kit, kit.synthesizer, synthesisInput(question, sorted, (i) => plan[i]?.question ?? '').prompt);
}

/** The planner's answer → the sub-tasks (at most `maxAgents`), as the job reads it; throws on an invalid plan. */
export function planOf(content: string, maxAgents: number): SubTask[] {
  const parsed = parsePlan(content);
  if (!parsed.ok) throw new Error(`invalid plan: ${parsed.error}`);
  return parsed.plan.subQuestions.slice(0, maxAgents).map((q, index) => ({ index, question: q.question, focus: q.focus }));
}

export interface Finding {
  index: number;
  answer: string;
}

/**
 * The peers' model client: the `openai` package the hub's LLM activity uses, with the client's own retries (2):
 * the hub's worker sets none because Temporal retries the activity, a library user keeps them (LangGraph's own
 * ChatOpenAI retries too). Under load a socket can drop; a retried request shows in the LLM's counts.
 */
export function peerClient(kit: PeerKit): OpenAI {
  return new OpenAI({ baseURL: kit.llmUrl, apiKey: 'bench' });
}

/** One chat completion (not streamed, as the hub's research calls are); its text. */
export async function complete(openai: OpenAI, req: ChatCompletionCreateParamsNonStreaming): Promise<string> {
  const res = await openai.chat.completions.create(req);
  return res.choices[0]?.message.content ?? '';
}

/** A research question that makes the scripted planner (research responder) plan exactly `n` sub-questions. */
export const questionFor = (n: number, tag: string): string => `What does a research job of ${n} agents cost beside its peers (${tag})?`;
