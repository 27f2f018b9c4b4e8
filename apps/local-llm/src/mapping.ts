/**
 * OpenAI request → what the engine runs (a node-llama-cpp chat history and a generation mode), and model
 * output → OpenAI tool calls. Pure; no model needed.
 *
 * Generation modes:
 * - `text`:        plain reply (no tools offered, `tool_choice: "none"`, or `response_format: text`).
 * - `functions`:   `tools` with `tool_choice` "auto" (or unset): node-llama-cpp's function calling. The model
 *                  decides whether to call; the arguments of a call are generated under a grammar built from
 *                  the function's JSON schema, so they parse.
 * - `forced-tool`: `tool_choice` "required" or naming a function: the reply is generated under a JSON-schema
 *                  grammar — the named function's parameters, or `{"name": <one of the tools>, "arguments": …}`
 *                  for "required" — and becomes exactly one tool call.
 * - `json`:        `response_format` json_schema (the schema as a grammar) or json_object (any JSON object).
 *                  When tools are offered with `tool_choice` auto as well, the JSON format wins (a grammar and
 *                  function calling cannot be combined in one generation).
 */
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatModelResponse, GbnfJsonSchema } from 'node-llama-cpp';
import { closeJsonPrefix, toGbnfSchema, UnsupportedSchemaError } from './json-schema';
import { newToolCallId, type ToolCallOut } from '@hub/runtime/openai-wire';
import { OpenAIError, type ChatCompletionRequest, type ChatMessage } from './openai';

export interface ToolDef {
  name: string;
  description: string;
  /** Grammar schema of the arguments object. */
  params: GbnfJsonSchema;
}

export type GenerationMode =
  | { kind: 'text' }
  | { kind: 'functions'; functions: ChatModelFunctions; maxParallel?: number }
  | { kind: 'forced-tool'; tools: ToolDef[]; name?: string; schema: GbnfJsonSchema }
  | { kind: 'json'; schema?: GbnfJsonSchema };

export interface GenerationPlan {
  history: ChatHistoryItem[];
  mode: GenerationMode;
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stop: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
}

export interface PlanDefaults {
  /** Token limit when the request sets none, and the cap for those that do. */
  maxTokens: number;
}

const textOf = (content: string | ReadonlyArray<{ text: string }> | null | undefined): string =>
  content == null ? '' : typeof content === 'string' ? content : content.map((p) => p.text).join('');

/** Arguments JSON as the model's history item wants it (parsed when possible, else the raw text). */
function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * OpenAI messages → node-llama-cpp chat history, ending with a model item to generate into.
 * Tool results are attached to the function call they answer (node-llama-cpp keeps a call and its
 * result together in the model's response). After tool results, the model continues that response.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text: textOf(m.content) });
        break;
      case 'user':
        history.push({ type: 'user', text: textOf(m.content) });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        const text = textOf(m.content);
        if (text) response.push(text);
        for (const tc of m.tool_calls ?? []) {
          const call: ChatModelFunctionCall = { type: 'functionCall', name: tc.function.name, params: parseArgs(tc.function.arguments), result: '' };
          calls.set(tc.id, call);
          response.push(call);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = calls.get(m.tool_call_id);
        if (call) call.result = textOf(m.content);
        break;
      }
    }
  }
  const last = history.at(-1);
  if (last?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function schemaParam<T>(param: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UnsupportedSchemaError) {
      throw new OpenAIError(400, `Invalid schema for '${param}': ${err.message}`, 'invalid_request_error', param, 'invalid_value');
    }
    throw err;
  }
}

function toolDefs(req: ChatCompletionRequest): ToolDef[] {
  return (req.tools ?? []).map((t, i) => ({
    name: t.function.name,
    description: t.function.description ?? '',
    params: schemaParam(`tools[${i}].function.parameters`, () => toGbnfSchema(t.function.parameters ?? { type: 'object', properties: {} })),
  }));
}

/** The instruction added for a forced tool call: which function(s), their parameters, and the reply format. */
export function forcedToolInstruction(tools: readonly ToolDef[], name: string | undefined): string {
  const listed = (name ? tools.filter((t) => t.name === name) : tools)
    .map((t) => `- ${t.name}: ${t.description || '(no description)'}\n  parameters (JSON schema): ${JSON.stringify(t.params)}`)
    .join('\n');
  return name
    ? `Call the function \`${name}\` now.\n${listed}\nReply with only the JSON object of its arguments.`
    : `Call one of these functions now:\n${listed}\nReply with only a JSON object {"name": <function name>, "arguments": <its arguments>}.`;
}

/** Grammar schema of a forced tool call: the function's parameters, or name + arguments for "required". */
export function forcedToolSchema(tools: readonly ToolDef[], name: string | undefined): GbnfJsonSchema {
  if (name) return tools.find((t) => t.name === name)!.params;
  const options = tools.map((t) => ({
    type: 'object',
    properties: { name: { const: t.name }, arguments: t.params },
    required: ['name', 'arguments'],
  }));
  return (options.length === 1 ? options[0] : { oneOf: options }) as GbnfJsonSchema;
}

/** Adds `text` to the last user message before the model turn (or as a new user message). */
function withInstruction(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const out = history.slice(0, -1);
  const last = out.at(-1);
  if (last?.type === 'user') out[out.length - 1] = { type: 'user', text: `${last.text}\n\n${text}` };
  else out.push({ type: 'user', text });
  out.push({ type: 'model', response: [] });
  return out;
}

export function planGeneration(req: ChatCompletionRequest, defaults: PlanDefaults): GenerationPlan {
  let history = toChatHistory(req.messages);
  const tools = toolDefs(req);
  const choice = req.tool_choice ?? (tools.length > 0 ? 'auto' : 'none');
  const format = req.response_format;
  let mode: GenerationMode;
  if (tools.length > 0 && (choice === 'required' || typeof choice === 'object')) {
    const name = typeof choice === 'object' ? choice.function.name : undefined;
    mode = { kind: 'forced-tool', tools, ...(name ? { name } : {}), schema: forcedToolSchema(tools, name) };
    history = withInstruction(history, forcedToolInstruction(tools, name));
  } else if (format?.type === 'json_schema') {
    const schema = schemaParam('response_format.json_schema.schema', () => toGbnfSchema(format.json_schema.schema ?? { type: 'object' }));
    mode = { kind: 'json', schema };
  } else if (format?.type === 'json_object') {
    mode = { kind: 'json' };
  } else if (tools.length > 0 && choice === 'auto') {
    const functions: Record<string, { description?: string; params?: GbnfJsonSchema }> = {};
    for (const t of tools) functions[t.name] = { ...(t.description ? { description: t.description } : {}), params: t.params };
    mode = { kind: 'functions', functions, ...(req.parallel_tool_calls === false ? { maxParallel: 1 } : {}) };
  } else {
    mode = { kind: 'text' };
  }
  const requested = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const stop = req.stop == null ? [] : typeof req.stop === 'string' ? [req.stop] : req.stop;
  return {
    history,
    mode,
    maxTokens: Math.min(requested ?? defaults.maxTokens, defaults.maxTokens),
    // OpenAI's default temperature is 1.
    temperature: req.temperature ?? 1,
    ...(req.top_p != null ? { topP: req.top_p } : {}),
    ...(req.seed != null ? { seed: req.seed } : {}),
    stop: stop.filter((s) => s !== ''),
    ...(req.presence_penalty != null ? { presencePenalty: req.presence_penalty } : {}),
    ...(req.frequency_penalty != null ? { frequencyPenalty: req.frequency_penalty } : {}),
  };
}

/**
 * The tool call of a forced-tool generation. The text was generated under the grammar, so it is valid JSON
 * up to where it stopped; if the token limit cut it off, it is completed (`closeJsonPrefix`) so that the
 * arguments always parse.
 */
export function forcedToolCall(mode: Extract<GenerationMode, { kind: 'forced-tool' }>, text: string): ToolCallOut {
  const value = JSON.parse(closeJsonPrefix(text.trim() === '' ? '{}' : text.trim())) as unknown;
  if (mode.name) return { id: newToolCallId(), name: mode.name, arguments: JSON.stringify(value ?? {}) };
  const obj = (typeof value === 'object' && value !== null ? value : {}) as { name?: unknown; arguments?: unknown };
  const name = typeof obj.name === 'string' && mode.tools.some((t) => t.name === obj.name) ? obj.name : mode.tools[0]!.name;
  const args = typeof obj.arguments === 'object' && obj.arguments !== null ? obj.arguments : {};
  return { id: newToolCallId(), name, arguments: JSON.stringify(args) };
}

/** node-llama-cpp function calls → OpenAI tool calls (params are already parsed under the grammar). */
export function functionCallsToToolCalls(calls: ReadonlyArray<{ functionName: string; params: unknown }>): ToolCallOut[] {
  return calls.map((c) => ({ id: newToolCallId(), name: c.functionName, arguments: JSON.stringify(c.params ?? {}) }));
}
