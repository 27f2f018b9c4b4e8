/**
 * The OpenAI chat-completions requests this server accepts: the request schema (zod), its validation with
 * OpenAI-style errors, and the model list. The answers (completions, streamed chunks, SSE, error bodies) are
 * built with the shared wire format, @hub/runtime/openai-wire. Pure; no model needed.
 */
import { errorBody, modelList, modelObject, type OpenAIErrorBody } from '@hub/runtime/openai-wire';
import { z } from 'zod';
import { issuePath } from '@hub/contracts/common/wire';

// ---------------------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------------------

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
/** Message content: a string or text parts (images, audio and files are not supported by this server). */
const Content = z.union([z.string(), z.array(TextPart)]);

const SystemMessage = z.object({ role: z.literal('system'), content: Content, name: z.string().optional() });
const DeveloperMessage = z.object({ role: z.literal('developer'), content: Content, name: z.string().optional() });
const UserMessage = z.object({ role: z.literal('user'), content: Content, name: z.string().optional() });
export const ToolCallParam = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: Content.nullish(),
  tool_calls: z.array(ToolCallParam).optional(),
  name: z.string().optional(),
  refusal: z.string().nullish(),
});
const ToolMessage = z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string().min(1) });

export const ChatMessage = z.discriminatedUnion('role', [SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage]);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const FunctionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ and -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type FunctionTool = z.infer<typeof FunctionTool>;

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

export const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormat>;

/**
 * A chat-completions request. Unknown fields are accepted and ignored (clients send many optional ones);
 * fields whose meaning this server cannot honour (n > 1, logprobs) are rejected by `checkSupported`.
 */
export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  n: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  tools: z.array(FunctionTool).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormat.nullish(),
  user: z.string().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/** An error answered in OpenAI's shape: `{error: {message, type, param, code}}`. */
export class OpenAIError extends Error {
  override name = 'OpenAIError';
  constructor(
    readonly status: 400 | 404 | 405 | 413 | 415 | 429 | 500 | 503,
    message: string,
    readonly type: string = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  toBody(): OpenAIErrorBody {
    return errorBody(this);
  }
}

/** Parses a request body; throws an OpenAIError (400) naming the first offending field. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OpenAIError(400, 'The request body must be a JSON object.', 'invalid_request_error', null, 'invalid_body');
  }
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.length ? issuePath(issue.path) : '';
    const missing = issue.code === 'invalid_type' && (body as Record<string, unknown>)[String(issue.path[0])] === undefined && issue.path.length === 1;
    throw new OpenAIError(
      400,
      missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param || 'body'}': ${issue.message}`,
      'invalid_request_error',
      param || null,
      missing ? 'missing_required_parameter' : 'invalid_value',
    );
  }
  checkSupported(parsed.data);
  return parsed.data;
}

/** Semantic checks zod cannot express, with the parameter named as OpenAI would. */
export function checkSupported(req: ChatCompletionRequest): void {
  if (req.n !== undefined && req.n !== null && req.n !== 1) {
    throw new OpenAIError(400, `Invalid value for 'n': this server generates one choice per request (n=1).`, 'invalid_request_error', 'n', 'unsupported_value');
  }
  if (req.logprobs) {
    throw new OpenAIError(400, `'logprobs' is not supported by this server.`, 'invalid_request_error', 'logprobs', 'unsupported_parameter');
  }
  const tools = req.tools ?? [];
  const names = new Set<string>();
  for (const [i, t] of tools.entries()) {
    if (names.has(t.function.name)) {
      throw new OpenAIError(400, `Duplicate tool name '${t.function.name}'.`, 'invalid_request_error', `tools[${i}].function.name`, 'invalid_value');
    }
    names.add(t.function.name);
  }
  const choice = req.tool_choice;
  if (choice !== undefined && choice !== null && choice !== 'none' && tools.length === 0) {
    throw new OpenAIError(400, `Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.`, 'invalid_request_error', 'tool_choice', 'invalid_value');
  }
  if (typeof choice === 'object' && choice !== null && !names.has(choice.function.name)) {
    throw new OpenAIError(
      400,
      `Invalid value for 'tool_choice': no function named '${choice.function.name}' was specified in 'tools'.`,
      'invalid_request_error',
      'tool_choice',
      'invalid_value',
    );
  }
  // tool results must answer a tool call of an earlier assistant message
  const callIds = new Set<string>();
  for (const [i, m] of req.messages.entries()) {
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) callIds.add(tc.id);
    if (m.role === 'tool' && !callIds.has(m.tool_call_id)) {
      throw new OpenAIError(
        400,
        `Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (no tool call with id '${m.tool_call_id}').`,
        'invalid_request_error',
        `messages[${i}].tool_call_id`,
        'invalid_value',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Responses (the wire format itself is @hub/runtime/openai-wire)
// ---------------------------------------------------------------------------------------------------------

/** `GET /v1/models`: the loaded model, owned by `local`. */
export function modelsResponse(models: ReadonlyArray<{ id: string; created: number }>) {
  return modelList(models.map((m) => modelObject(m.id, m.created, 'local')));
}
