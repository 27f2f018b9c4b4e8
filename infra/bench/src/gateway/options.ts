/** The gateway suite's options and help text. */
import { DEFAULT_TENANT_LIMITS } from '@hub/contracts';
import { intOption } from '../lib/args';

export const GATEWAY_HELP = `gateway options (suite "gateway"):
  --clients N         SSE clients on the one gateway (default 1000)
  --sessions N        sessions they are spread over, evenly (default 100)
  --duration S        seconds of each measured phase (default 30)
  --turn-concurrency M  turns running at once, round-robin over the sessions (default 10)
  --tokens N          words per scripted reply, one streamed chunk each (default 20)
  --chunk-ms N        delay between the scripted LLM's chunks (default 20)
  --get-concurrency K closed-loop GET /v1/sessions/{id} requesters (default 8)
  --quick             --clients 100 --sessions 10 --duration 10
  --profile           write a CPU profile of the gateway (V8 --cpu-prof) under infra/bench/results/
  One gateway process (apps/gateway main) on a Temporal dev server (SQLite file) with the hub's real
  worker and the scripted LLM. Phase A: turns (M at once, every session in turn) plus the GET load, no SSE client.
  Phase B: the same with the SSE clients connected (from offset 0). Phase C (baseline): the same clients
  on a bare Hono SSE endpoint fed by a timer at the event rate B delivered. Last, the same clients connect
  all at once to a second gateway with the default limits (how many connect, how many attempts get 429).
  Reports gateway peak RSS (and per client), CPU (and the part the SSE clients add, per delivered event,
  against the bare server's), delivery lag p50/p99 = receipt by a client − arrival of the token's chunk
  from the LLM at the worker (includes token batching and the Temporal path), fan-out spread p50/p99 =
  receipt − the first receipt of the same event in its session, losses (every client must receive every
  event and every token of its session: a loss is a defect), and GET requests/s with p50/p99 latency with
  and without the SSE clients (ratios printed). The gateway's request rate limit is raised for the run
  (default ${DEFAULT_TENANT_LIMITS.requestsPerSecond}/s + burst ${DEFAULT_TENANT_LIMITS.burst} per tenant would refuse the bench's own connects and GETs).
  Target: no loss (the issue sets no number for the rest; figures and ratios are reported). JSON to
  infra/bench/results/. Needs ulimit -n above clients + 200.
`;

export function options(argv: string[]) {
  const quick = argv.includes('--quick');
  return {
    clients: intOption(argv, 'clients', quick ? 100 : 1000, 20_000),
    sessions: intOption(argv, 'sessions', quick ? 10 : 100, 2_000),
    durationMs: intOption(argv, 'duration', quick ? 10 : 30, 3_600) * 1000,
    turnConcurrency: intOption(argv, 'turn-concurrency', 10, 10_000),
    tokens: intOption(argv, 'tokens', 20, 1000),
    chunkDelayMs: intOption(argv, 'chunk-ms', 20, 10_000),
    getConcurrency: intOption(argv, 'get-concurrency', 8, 1000),
    profile: argv.includes('--profile'),
  };
}
export type GatewayBenchOptions = ReturnType<typeof options>;

