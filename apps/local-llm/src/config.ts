/** Settings of the local model server: command-line flags, falling back to environment variables. */

export interface LocalLlmConfig {
  /** GGUF path (`--model` / HUB_LOCAL_MODEL); undefined: the provisioned default model. */
  modelPath: string | undefined;
  modelId: string | undefined;
  host: string;
  /** 0 = any free port. */
  port: number;
  parallel: number;
  contextSize: number;
  /** undefined: half the CPU cores (at least 1). */
  threads: number | undefined;
  maxTokens: number;
  maxQueue: number;
}

export const DEFAULT_LOCAL_LLM_PORT = 8788;

export const HELP = `Usage: npm run local-llm [-- options]
       node --import tsx apps/local-llm/src/main.ts [options]

A local OpenAI-compatible chat-completions server on node-llama-cpp (the hub's embedded default model).
Listens on loopback only. Any \`model\` name in a request is served by the loaded model.

  POST /v1/chat/completions   streaming (SSE) or not; tools and tool_choice; response_format json_schema
                              and json_object (enforced by grammar); usage
  GET  /v1/models             the loaded model
  GET  /healthz               liveness and queue state

Options (environment variable in brackets):
  --model <path>         GGUF model file [HUB_LOCAL_MODEL]; default: the provisioned default model
                         (Gemma 3 270M Q4_K_M in <data dir>/models, installed by \`npm run provision\`)
  --model-id <id>        model id to report (default: the file name without .gguf)
  --host <addr>          loopback address to bind (default 127.0.0.1)
  --port <n>             port (default ${DEFAULT_LOCAL_LLM_PORT}; 0 = any free port) [HUB_LOCAL_LLM_PORT]
  --parallel <n>         requests generated at the same time; more wait in a queue (default 2)
                         [HUB_LOCAL_LLM_PARALLEL]
  --context-size <n>     context size per parallel sequence, in tokens (default 4096) [HUB_LOCAL_LLM_CONTEXT]
  --threads <n>          CPU threads (default: half the cores, at least 1) [HUB_LOCAL_LLM_THREADS]
  --max-tokens <n>       token limit of a reply when the request sets none, and the cap for those that do
                         (default 512) [HUB_LOCAL_LLM_MAX_TOKENS]
  --max-queue <n>        most requests waiting for a sequence; more get 429 (default 256)
  -h, --help             this text

Also: HUB_DATA_DIR (where the default model is cached), HUB_LOG_LEVEL (debug|info|warn|error).
SIGINT / SIGTERM: stop accepting, finish running requests (up to 10 s), exit.
`;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i;

function int(name: string, raw: string | undefined, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

const FLAGS = ['--model', '--model-id', '--host', '--port', '--parallel', '--context-size', '--threads', '--max-tokens', '--max-queue'] as const;
type Flag = (typeof FLAGS)[number];

/** Parses `argv` (without node and script); throws an Error naming the bad flag or variable. */
export function loadLocalLlmConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): LocalLlmConfig {
  const flags = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(0, eq) : a) as Flag;
    if (!FLAGS.includes(name)) throw new Error(`unknown argument ${JSON.stringify(a)} (see --help)`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    flags.set(name, value);
  }
  const pick = (flag: Flag, envName?: string): [string, string | undefined] =>
    flags.has(flag) ? [flag, flags.get(flag)] : envName ? [envName, env[envName]] : [flag, undefined];

  const host = flags.get('--host')?.trim() || '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`--host must be a loopback address (the local model server is for this machine only), got ${JSON.stringify(host)}`);
  const modelPath = (flags.get('--model') ?? env['HUB_LOCAL_MODEL'])?.trim() || undefined;
  return {
    modelPath,
    modelId: flags.get('--model-id')?.trim() || undefined,
    host: host.replace(/^\[|\]$/g, ''),
    port: int(...pick('--port', 'HUB_LOCAL_LLM_PORT'), DEFAULT_LOCAL_LLM_PORT, 0, 65535),
    parallel: int(...pick('--parallel', 'HUB_LOCAL_LLM_PARALLEL'), 2, 1, 64),
    contextSize: int(...pick('--context-size', 'HUB_LOCAL_LLM_CONTEXT'), 4096, 256, 1 << 20),
    threads: (() => {
      const [name, raw] = pick('--threads', 'HUB_LOCAL_LLM_THREADS');
      return raw === undefined || raw.trim() === '' ? undefined : int(name, raw, 1, 1, 1024);
    })(),
    maxTokens: int(...pick('--max-tokens', 'HUB_LOCAL_LLM_MAX_TOKENS'), 512, 1, 1 << 20),
    maxQueue: int(...pick('--max-queue'), 256, 0, 1_000_000),
  };
}
