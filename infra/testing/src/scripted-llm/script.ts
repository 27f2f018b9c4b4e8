/**
 * TEST FIXTURE — what a test tells the scripted LLM server (ScriptStep, Responder, the options) and what it
 * gets back (ScriptedLlmServer, RecordedRequest). Types only; the server is in server.ts.
 */

export interface ScriptedToolCall {
  name: string;
  /** Object (JSON-encoded by the server) or a raw JSON string. */
  arguments: Record<string, unknown> | string;
  /** Default: `call_<n>` (unique per server). */
  id?: string;
}

interface StepCommon {
  /** Wait this long before answering (after the request body is read). */
  delayMs?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /**
   * Streaming: the first token (the chunk after the role chunk, which goes out with the headers) leaves this long
   * after the response starts; the rest follow `chunkDelayMs` apart (time-to-first-token measurements).
   */
  firstChunkDelayMs?: number;
  /** Override the reported usage. */
  usage?: { promptTokens?: number; completionTokens?: number };
  /** Report no usage at all (like some OpenAI-compatible servers). */
  omitUsage?: boolean;
  /** Override the reported model (default: the requested model, or `scripted-model`). */
  model?: string;
}

export type ScriptStep =
  /** A text answer (streamed word by word). */
  | (StepCommon & { reply: string; finishReason?: string })
  /** Tool calls (optionally with some text first); finish_reason `tool_calls`. */
  | (StepCommon & { toolCalls: ScriptedToolCall[]; content?: string })
  /** Structured output: content is `JSON.stringify(json)`. */
  | (StepCommon & { json: unknown })
  /** HTTP error with an OpenAI-style body and optional Retry-After / retry-after-ms headers. */
  | (StepCommon & {
      error: { status: number; message: string; type?: string; code?: string | null; retryAfter?: number | string; retryAfterMs?: number };
    })
  /** Never answers; the request stays open until the client aborts (or the server closes). */
  | (StepCommon & { hang: true })
  /** Destroys the connection without an HTTP response (or, with `afterChunks`, mid-stream). */
  | (StepCommon & { disconnect: true; reply?: string; afterChunks?: number })
  /** Only a delay, then the default (echo) answer. */
  | (StepCommon & { delayMs: number });

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined for GET / invalid JSON). */
  body: ChatRequestBody | undefined;
  /** Value of the Idempotency-Key header, if any. */
  idempotencyKey: string | undefined;
  receivedAt: number;
  /** True once the response was fully sent. */
  completed: boolean;
  /** When the response was fully sent (ms since the epoch; unset until then). */
  completedAt?: number;
  /** True if the client went away before the response was complete. */
  aborted: boolean;
  /** The step that answered it (after responder resolution). */
  step?: ScriptStep;
}

/** The subset of the OpenAI request body the fixture looks at (the rest is kept in `body` as sent). */
export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content?: unknown; [k: string]: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  response_format?: unknown;
  [k: string]: unknown;
}

export type Responder = (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>;

export interface ScriptedLlmServerOptions {
  /** Default 0 (a free port). Always binds 127.0.0.1. */
  port?: number;
  /** Answers used when the queue is empty. Default: `echoResponder`. */
  responder?: Responder;
  /** Benchmark mode: when the queue is empty, answer at once with `instantReply` as a single chunk. */
  instant?: boolean;
  /** Reply of instant mode. Default 'OK'. */
  instantReply?: string;
  /** If set, requests without `Authorization: Bearer <apiKey>` get HTTP 401. */
  apiKey?: string;
  /** Keep at most this many recorded requests (oldest dropped). Default 10000. */
  maxRecorded?: number;
  /** Model id reported by GET /v1/models and used when a request names none. Default 'scripted-model'. */
  model?: string;
}

export interface ScriptedLlmServer {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:45123/v1 */
  url: string;
  port: number;
  /** Every request received, in order (see `maxRecorded`). */
  requests: RecordedRequest[];
  /** Chat requests only. */
  chatRequests(): RecordedRequest[];
  /** Append steps (or one-shot responder functions) to the queue. */
  script(...steps: Array<ScriptStep | Responder>): void;
  /** Replace the responder used when the queue is empty (undefined = default). */
  setResponder(responder: Responder | undefined): void;
  /** Steps still queued. */
  pending(): number;
  /** Clear the queue, recorded requests and responder override. */
  reset(): void;
  /** Resolves when `predicate()` holds (polled), rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the server, dropping open connections (hanging requests are aborted). */
  close(): Promise<void>;
}

