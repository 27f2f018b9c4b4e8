/**
 * The model engine: one GGUF model, one context with `parallel` sequences, and a FIFO queue for requests
 * that arrive while every sequence is busy (they wait; they do not fail). Each request runs a
 * `LlamaChat` on a free sequence; a sequence keeps its evaluated tokens between requests, so a prompt that
 * starts like the previous one on that sequence (the same system prompt, the same conversation) is only
 * evaluated from where it differs.
 *
 * Only the prebuilt CPU binaries of node-llama-cpp are used (`build: "never"`, no GPU probing by default):
 * nothing is downloaded or compiled at run time.
 */
import { basename } from 'node:path';
import {
  getLlama,
  LlamaChat,
  LlamaLogLevel,
  type ChatHistoryItem,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import type { FinishReason, ToolCallOut } from '@hub/runtime/openai-wire';
import { closeJsonPrefix } from './json-schema';
import { forcedToolCall, functionCallsToToolCalls, type GenerationPlan } from './mapping';
import { OpenAIError } from './openai';

export interface EngineOptions {
  modelPath: string;
  /** Reported model id (default: the file name without `.gguf`). */
  modelId?: string;
  /** Requests generated at the same time; more wait in the queue. Default 2. */
  parallel?: number;
  /** Context size (tokens) of each sequence. Default 4096. */
  contextSize?: number;
  /** CPU threads for evaluation. Default: half the cores (at least 1). */
  threads?: number;
  /** Most requests waiting for a sequence; more get 429. Default 256. */
  maxQueue?: number;
  /** Use a GPU build when one works ("auto"), or CPU only (false, the default). */
  gpu?: 'auto' | false;
  /** node-llama-cpp log lines (warnings and errors by default). */
  onLog?: (level: 'warn' | 'error' | 'info', message: string) => void;
}

export interface GenerateCallbacks {
  /** Streamed text of the reply (not of tool calls). */
  onText?: (text: string) => void;
  /** Aborts the generation (or removes the request from the queue). */
  signal?: AbortSignal;
  /** Called when the request got a sequence (left the queue) and generation begins. */
  onStart?: () => void;
}

export interface GenerateResult {
  content: string;
  toolCalls: ToolCallOut[];
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

export interface EngineStats {
  parallel: number;
  busy: number;
  queued: number;
}

export interface ChatEngine {
  readonly modelId: string;
  readonly modelPath: string;
  readonly created: number;
  readonly contextSize: number;
  stats(): EngineStats;
  generate(plan: GenerationPlan, cb?: GenerateCallbacks): Promise<GenerateResult>;
  close(): Promise<void>;
}

/** Waiting requests get sequences in arrival order. */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: Array<{ resolve: (s: T) => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];
  private closed = false;

  constructor(
    items: readonly T[],
    private readonly maxQueue: number,
  ) {
    this.free = [...items];
  }

  get size(): number {
    return this.free.length + this.busy;
  }
  busy = 0;
  get queued(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new OpenAIError(503, 'The model server is shutting down.', 'server_error', null, 'shutting_down'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.free.pop();
    if (item !== undefined) {
      this.busy += 1;
      return Promise.resolve(item);
    }
    if (this.waiters.length >= this.maxQueue) {
      return Promise.reject(
        new OpenAIError(429, `The local model is busy: ${this.waiters.length} requests are already waiting. Retry later.`, 'rate_limit_error', null, 'queue_full'),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const next = this.waiters.shift();
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(item); // stays busy
      return;
    }
    this.busy -= 1;
    this.free.push(item);
  }

  /** Rejects every waiter; later acquires fail. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(new OpenAIError(503, 'The model server is shutting down.', 'server_error', null, 'shutting_down'));
    }
  }
}

const DEFAULT_REPEAT_PENALTY = { penalty: 1.1, lastTokens: 64 };

export async function createEngine(opts: EngineOptions): Promise<ChatEngine> {
  const log = opts.onLog ?? (() => undefined);
  const llama: Llama = await getLlama({
    build: 'never',
    gpu: opts.gpu ?? false,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (!text || /was not control-type; this is probably a bug in the model/.test(text)) return;
      log(level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? 'error' : level === LlamaLogLevel.warn ? 'warn' : 'info', text);
    },
  });
  const cores = llama.cpuMathCores;
  const threads = opts.threads ?? Math.max(1, Math.floor(cores / 2));
  const model: LlamaModel = await llama.loadModel({ modelPath: opts.modelPath });
  const parallel = opts.parallel ?? 2;
  const context: LlamaContext = await model.createContext({
    sequences: parallel,
    contextSize: Math.min(opts.contextSize ?? 4096, model.trainContextSize),
    threads,
  });
  const sequences: LlamaContextSequence[] = [];
  for (let i = 0; i < parallel; i++) sequences.push(context.getSequence());
  const pool = new SequencePool(sequences, opts.maxQueue ?? 256);
  const grammarCache = new Map<string, Promise<LlamaGrammar>>();
  const grammarFor = (schema: object | undefined): Promise<LlamaGrammar> => {
    const key = schema === undefined ? '<json>' : JSON.stringify(schema);
    let g = grammarCache.get(key);
    if (!g) {
      g = schema === undefined ? llama.getGrammarFor('json') : llama.createGrammarForJsonSchema(schema as never);
      if (grammarCache.size > 64) grammarCache.clear();
      grammarCache.set(key, g);
      g.catch(() => grammarCache.delete(key));
    }
    return g;
  };
  const modelId = opts.modelId ?? basename(opts.modelPath).replace(/\.gguf$/i, '');
  const created = Math.floor(Date.now() / 1000);

  const promptTokens = (chat: LlamaChat, history: ChatHistoryItem[], functions: object | undefined): number => {
    const state = chat.chatWrapper.generateContextState({
      chatHistory: history,
      ...(functions ? { availableFunctions: functions as never, documentFunctionParams: true } : {}),
    });
    return state.contextText.tokenize(model.tokenizer).length;
  };

  async function generate(plan: GenerationPlan, cb: GenerateCallbacks = {}): Promise<GenerateResult> {
    const sequence = await pool.acquire(cb.signal);
    cb.onStart?.();
    const chat = new LlamaChat({ contextSequence: sequence });
    try {
      const mode = plan.mode;
      const outputBefore = sequence.tokenMeter.usedOutputTokens;
      const repeatPenalty = {
        ...DEFAULT_REPEAT_PENALTY,
        ...(plan.presencePenalty !== undefined ? { presencePenalty: plan.presencePenalty } : {}),
        ...(plan.frequencyPenalty !== undefined ? { frequencyPenalty: plan.frequencyPenalty } : {}),
      };
      const common = {
        maxTokens: plan.maxTokens,
        temperature: plan.temperature,
        ...(plan.topP !== undefined ? { topP: plan.topP } : {}),
        ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
        repeatPenalty,
        ...(plan.stop.length > 0 ? { customStopTriggers: plan.stop } : {}),
        ...(cb.signal ? { signal: cb.signal, stopOnAbortSignal: false } : {}),
        // Long conversations: drop the oldest messages (keeping the first system message) when the context is full.
        contextShift: { strategy: 'eraseFirstResponseAndKeepFirstSystem' as const },
      };
      const functions = mode.kind === 'functions' ? mode.functions : undefined;
      const prompt = promptTokens(chat, plan.history, functions);
      const stream = mode.kind === 'forced-tool' ? undefined : cb.onText;
      const onTextChunk = stream ? (text: string) => void (text && stream(text)) : undefined;

      let res;
      if (mode.kind === 'functions') {
        res = await chat.generateResponse(plan.history, {
          ...common,
          functions: mode.functions,
          documentFunctionParams: true,
          ...(mode.maxParallel !== undefined ? { maxParallelFunctionCalls: mode.maxParallel } : {}),
          ...(onTextChunk ? { onTextChunk } : {}),
        });
      } else if (mode.kind === 'forced-tool' || mode.kind === 'json') {
        const grammar = await grammarFor(mode.schema);
        res = await chat.generateResponse(plan.history, { ...common, grammar, ...(onTextChunk ? { onTextChunk } : {}) });
      } else {
        res = await chat.generateResponse(plan.history, { ...common, ...(onTextChunk ? { onTextChunk } : {}) });
      }
      const completionTokens = sequence.tokenMeter.usedOutputTokens - outputBefore;
      const stopReason = res.metadata.stopReason;
      const truncated = stopReason === 'maxTokens';
      if (mode.kind === 'forced-tool') {
        return { content: '', toolCalls: [forcedToolCall(mode, res.response)], finishReason: 'tool_calls', promptTokens: prompt, completionTokens };
      }
      const toolCalls = mode.kind === 'functions' ? functionCallsToToolCalls(res.functionCalls ?? []) : [];
      // Under a JSON grammar the text is valid up to where it stops; if the token limit cut it off, it is
      // completed so that it still parses (finish_reason stays "length").
      const content = mode.kind === 'json' ? (truncated ? closeJsonPrefix(res.response.trim()) : res.response.trim()) : res.response;
      return {
        content,
        toolCalls,
        finishReason: toolCalls.length > 0 ? 'tool_calls' : truncated ? 'length' : 'stop',
        promptTokens: prompt,
        completionTokens,
      };
    } finally {
      chat.dispose({ disposeSequence: false });
      pool.release(sequence);
    }
  }

  return {
    modelId,
    modelPath: opts.modelPath,
    created,
    contextSize: context.contextSize,
    stats: () => ({ parallel, busy: pool.busy, queued: pool.queued }),
    generate,
    async close() {
      pool.close();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
