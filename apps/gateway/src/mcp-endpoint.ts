/**
 * The hub as an MCP server: Streamable HTTP at `/mcp`, so any MCP client
 * (the MCP Inspector, Cursor, Claude Desktop through `mcp-remote`) can chat
 * with sessions.
 *
 * Stateless: every POST gets a fresh `McpServer` + transport
 * (`sessionIdGenerator: undefined`), closed when its response ends. The hub's
 * state lives in Temporal, not in the gateway, so any gateway instance can
 * answer any request — no sticky routing, nothing lost when a gateway
 * restarts. The cost is what needs a server-held connection: server-initiated
 * requests and the standalone GET stream (GET and DELETE answer 405).
 * Responses are SSE streams (the SDK default) rather than single JSON bodies:
 * a `chat` call lasts as long as the agent's turn, and the SSE keep-alive
 * comments hold idle proxies off meanwhile.
 *
 * Cross-cutting concerns are the REST API's: the bearer API key (app
 * middleware) picks the tenant that scopes every tool, the body limit applies
 * (413), and {@link createOriginGuard} adds DNS-rebinding protection (403).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createRoute, z as zo } from '@hono/zod-openapi';
import { CreateResearchBodySchema, DEFAULTS, LIMITS, RESEARCH_LIMITS, SESSION_ID_RE, TurnStatusSchema, type TurnResult } from '@hub/contracts';
import type { Context } from 'hono';
import type { GatewayApp, GatewayEnv } from './app';
import { ErrorResponseSchema, toApiError } from './errors';
import type { Logger } from './log';
import { createOriginGuard } from './mcp-guard';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './schemas';
import type { SessionContext, SessionService } from './sessions';
import type { ResearchService } from './research';

export const MCP_PATH = '/mcp';
export const MCP_SERVER_INFO = { name: 'agent-hub', version: '0.1.0' } as const;

export interface McpOptions {
  /**
   * Extra `Host` values accepted on /mcp (HUB_MCP_ALLOWED_HOSTS): `name` (any port) or `name:port`.
   * Loopback names (localhost, 127.0.0.0/8, [::1]) are always accepted.
   */
  allowedHosts?: string[] | undefined;
  /** Browser origins accepted on /mcp besides the hub's own (HUB_MCP_ALLOWED_ORIGINS), e.g. `http://localhost:6274`. */
  allowedOrigins?: string[] | undefined;
}

export interface McpEndpointDeps {
  sessions: SessionService;
  research: ResearchService;
  log: Logger;
  options?: McpOptions | undefined;
}

const INSTRUCTIONS = [
  "Agent Hub: durable AI agent sessions. Call `chat` without a sessionId to start a session; the result's sessionId",
  'continues the conversation in later `chat` calls. `list_sessions` lists your sessions.',
  '`start_research` starts a research job (parallel agents, then a report); `get_research` reads its progress and report.',
].join(' ');

// ------------------------------------------------------------ tool schemas (the MCP contract)

const sessionIdSchema = z
  .string()
  .regex(SESSION_ID_RE, 'session id may contain letters, digits, _ and -')
  .describe('Id of the session to continue (from an earlier `chat` result or `list_sessions`); omit to start a new session');

export const chatInput = {
  message: z
    .string()
    .min(1)
    .max(LIMITS.maxMessageChars)
    .refine((s) => s.trim().length > 0, { message: 'message must not be empty' })
    .describe('The user message'),
  sessionId: sessionIdSchema.optional(),
  agent: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(`Agent profile of a new session (default "${DEFAULTS.agent}"); ignored when sessionId is given`),
};

export const chatOutput = {
  sessionId: z.string().describe('The session; pass it to continue the conversation'),
  turnId: z.string(),
  status: TurnStatusSchema,
  reply: z.string().describe("The agent's reply (empty when the turn did not complete)"),
  error: z.string().optional().describe('Why the turn did not complete (with isError: true)'),
};

const sessionSummary = z.object({
  id: z.string(),
  status: z.enum(['running', 'closed', 'continued_as_new', 'failed', 'cancelled', 'terminated', 'timed_out', 'unknown']),
  agent: z.string().optional(),
  startTime: z.string().describe('ISO time the current run started'),
  closeTime: z.string().optional(),
});

export const listSessionsInput = {
  limit: z.number().int().min(1).max(LIST_LIMIT_MAX).optional().describe(`Most sessions to return (default ${LIST_LIMIT_DEFAULT})`),
};
export const listSessionsOutput = { sessions: z.array(sessionSummary) };

export const startResearchInput = {
  question: z.string().min(1).max(LIMITS.maxMessageChars).describe('The research question'),
  maxAgents: z
    .number()
    .int()
    .min(1)
    .max(RESEARCH_LIMITS.maxAgents)
    .default(5)
    .describe(`Most agents working on it in parallel (default 5, up to ${RESEARCH_LIMITS.maxAgents})`),
  minSuccessRatio: z.number().min(0).max(1).optional().describe('Share of agents that must succeed (default 0.5)'),
  deadline: z.string().optional().describe('Time the agents have, e.g. "10m"'),
};
export const getResearchInput = { id: z.string().min(1).max(128).describe('Research job id (from `start_research`)') };

// ------------------------------------------------------------ tools

const text = (t: string) => [{ type: 'text' as const, text: t }];

function toolError(message: string, structuredContent?: Record<string, unknown>): CallToolResult {
  return { isError: true, content: text(message), ...(structuredContent ? { structuredContent } : {}) };
}

/** A failed session call as a tool error an LLM (or a person) can act on. */
function describeFailure(err: unknown, log: Logger, sessionId: string | undefined): string {
  const e = toApiError(err);
  const which = sessionId !== undefined ? `session ${sessionId}` : 'the session';
  switch (e.code) {
    case 'session_not_found':
      return `${which} not found; call chat without sessionId to start a new session`;
    case 'session_closed':
      return `${which} is closed and accepts no more messages; call chat without sessionId to start a new session`;
    case 'invalid_request': {
      const available = (e.details as { available?: unknown } | undefined)?.available;
      return Array.isArray(available) ? `${e.message}; available agents: ${available.join(', ')}` : `invalid request: ${e.message}`;
    }
    case 'upstream_timeout':
      return 'the hub did not answer in time (is a worker running?)';
    case 'temporal_unavailable':
      return 'the hub is unavailable (Temporal unreachable); try again later';
    default:
      log.error('mcp tool call failed', { err, code: e.code });
      return `${e.message} (${e.code})`;
  }
}

/** The MCP server of one request, its tools bound to the caller's tenant. */
export function createHubMcpServer(sessions: SessionService, research: ResearchService, ctx: SessionContext): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, { instructions: INSTRUCTIONS });
  const log = ctx.log;

  const timed = async (tool: string, fields: Record<string, unknown>, fn: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    const started = performance.now();
    const result = await fn();
    const sessionId = (result.structuredContent as { sessionId?: unknown } | undefined)?.sessionId;
    log.info('mcp tool call', {
      tool,
      ...fields,
      ...(sessionId !== undefined ? { sessionId } : {}),
      isError: result.isError === true,
      durationMs: Math.round(performance.now() - started),
    });
    return result;
  };

  server.registerTool(
    'chat',
    {
      title: 'Chat with an agent session',
      description:
        'Send a message to an agent session and wait for its reply. Without sessionId a new session is started ' +
        '(its id is in the result); with sessionId the conversation continues.',
      inputSchema: chatInput,
      outputSchema: chatOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ message, sessionId, agent }, extra) =>
      timed('chat', { sessionId, newSession: sessionId === undefined }, async () => {
        const callCtx: SessionContext = { ...ctx, signal: extra.signal };
        let id = sessionId;
        let turn: TurnResult;
        try {
          if (id === undefined) {
            const started = await sessions.start(callCtx, { message, agent });
            id = started.id;
            turn = started.reply!;
          } else {
            turn = await sessions.send(callCtx, id, { text: message });
          }
        } catch (err) {
          // The client went away (or cancelled): nobody reads this, but the log does. The turn itself carries on.
          if (extra.signal.aborted) return toolError(`cancelled by the client; the turn goes on in session ${id ?? '(new)'}`);
          return toolError(describeFailure(err, log, id));
        }
        const structured = { sessionId: id, turnId: turn.turnId, status: turn.status, reply: turn.reply ?? '' };
        if (turn.status !== 'completed') {
          const why = turn.error ? `: ${turn.error}` : '';
          return toolError(`turn ${turn.turnId} of session ${id} ${turn.status}${why} (the session goes on: pass its sessionId to chat to continue)`, {
            ...structured,
            ...(turn.error ? { error: turn.error } : {}),
          });
        }
        return { content: text(structured.reply), structuredContent: structured };
      }),
  );

  server.registerTool(
    'list_sessions',
    {
      title: 'List sessions',
      description: 'Your sessions, newest first (as GET /v1/sessions; recently started ones may take a moment to appear).',
      inputSchema: listSessionsInput,
      outputSchema: listSessionsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ limit }) =>
      timed('list_sessions', { limit }, async () => {
        try {
          const structured = { sessions: await sessions.list(ctx, limit ?? LIST_LIMIT_DEFAULT) };
          return { content: text(JSON.stringify(structured, null, 2)), structuredContent: structured };
        } catch (err) {
          return toolError(describeFailure(err, log, undefined));
        }
      }),
  );

  server.registerTool(
    'start_research',
    {
      title: 'Start a research job',
      description:
        'Start a research job: the question is split into sub-questions that up to maxAgents agents research in parallel, ' +
        'then a report citing their findings is written. Returns the job id at once; follow it with get_research.',
      inputSchema: startResearchInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ question, maxAgents, minSuccessRatio, deadline }) =>
      timed('start_research', { maxAgents }, async () => {
        const body = CreateResearchBodySchema.safeParse({
          question,
          maxAgents,
          ...(minSuccessRatio !== undefined || deadline !== undefined
            ? { policy: { ...(minSuccessRatio !== undefined ? { minSuccessRatio } : {}), ...(deadline !== undefined ? { deadline } : {}) } }
            : {}),
        });
        if (!body.success) return toolError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        try {
          const { id } = await research.start(ctx.tenant, body.data);
          const structured = { id, status: 'planning' };
          return { content: text(`Research job ${id} started; call get_research with this id for progress and the report.`), structuredContent: structured };
        } catch (err) {
          return toolError(toApiError(err).message);
        }
      }),
  );

  server.registerTool(
    'get_research',
    {
      title: 'Get a research job',
      description: 'Status, progress (agents done, percent) and, when finished, the report with citations of a research job.',
      inputSchema: getResearchInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) =>
      timed('get_research', { researchId: id }, async () => {
        try {
          const job = await research.get(ctx.tenant, id);
          const p = job.progress;
          const lines = [
            `Research job ${id}: ${job.status}; ${p.succeeded + p.failed} of ${p.total} agents done (${p.percent}%), ${p.succeeded} succeeded, ${p.failed} failed.`,
            ...(job.error ? [`Error: ${job.error}`] : []),
            ...(job.result?.report ? ['', job.result.report] : []),
            ...(job.result?.citations.length ? ['', 'Citations:', ...job.result.citations.map((c) => `[${c.ref}] agent ${c.agent}: ${c.question}`)] : []),
          ];
          const structured = {
            id,
            status: job.status,
            progress: job.progress,
            ...(job.error ? { error: job.error } : {}),
            ...(job.result ? { report: job.result.report, citations: job.result.citations, failures: job.result.failures } : {}),
          };
          return { content: text(lines.join('\n')), structuredContent: structured };
        } catch (err) {
          return toolError(toApiError(err).message);
        }
      }),
  );

  return server;
}

// ------------------------------------------------------------ HTTP

function jsonRpcError(status: 403 | 405, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Passes `res` through, calling `release` once its body has been sent or abandoned (or at once without a body). */
function releaseWhenDone(res: Response, release: () => void): Response {
  if (!res.body) {
    release();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await reader.read();
        if (r.done) {
          controller.close();
          release();
        } else {
          controller.enqueue(r.value);
        }
      } catch (err) {
        controller.error(err);
        release();
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

const JsonRpcRequestSchema = zo
  .object({
    jsonrpc: zo.literal('2.0'),
    id: zo.union([zo.string(), zo.number()]).optional().openapi({ description: 'Absent for notifications' }),
    method: zo.string().openapi({ example: 'tools/call' }),
    params: zo.record(zo.string(), zo.unknown()).optional(),
  })
  .openapi('JsonRpcMessage', {
    description: 'A JSON-RPC 2.0 message of the Model Context Protocol (a request, notification or response)',
    example: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chat', arguments: { message: 'What is 6*7?' } } },
  });

const JsonRpcErrorSchema = zo
  .object({
    jsonrpc: zo.literal('2.0'),
    id: zo.union([zo.string(), zo.number(), zo.null()]),
    error: zo.object({ code: zo.number().int(), message: zo.string(), data: zo.unknown().optional() }),
  })
  .openapi('JsonRpcError');

const jsonRpcErrorResponse = (description: string) => ({ description, content: { 'application/json': { schema: JsonRpcErrorSchema } } });
const restErrorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponseSchema } } });

/** /mcp in the OpenAPI document: described, not validated (the MCP transport validates JSON-RPC itself). */
const mcpRoute = createRoute({
  method: 'post',
  path: MCP_PATH,
  tags: ['mcp-endpoint'],
  summary: 'Model Context Protocol endpoint (Streamable HTTP, stateless)',
  description: [
    'The hub as an MCP server, for MCP clients (MCP Inspector, Cursor, Claude Desktop via mcp-remote).',
    'The body is one JSON-RPC 2.0 message of the MCP protocol (`initialize`, `tools/list`, `tools/call`, notifications).',
    'Tools: `chat` {message, sessionId?, agent?} (starts or continues a session and returns the reply),',
    '`list_sessions` {limit?}, `start_research` {question, maxAgents?} and `get_research` {id} (not available yet).',
    'Stateless: no `Mcp-Session-Id`; GET and DELETE answer 405. Requests answer as `text/event-stream`',
    '(one JSON-RPC response, keep-alive comments while a turn runs) and notifications as 202.',
    'The API key selects the tenant as for the REST API. `Host` must be a loopback name or listed in',
    'HUB_MCP_ALLOWED_HOSTS, and `Origin`, when sent, the hub itself or listed in HUB_MCP_ALLOWED_ORIGINS (403 otherwise).',
  ].join(' '),
  security: [{ bearer: [] }],
  request: {
    headers: zo.object({
      accept: zo.string().openapi({ param: { name: 'accept', in: 'header' }, example: 'application/json, text/event-stream' }),
      'mcp-protocol-version': zo
        .string()
        .optional()
        .openapi({ param: { name: 'mcp-protocol-version', in: 'header' }, description: 'Negotiated protocol version (after initialize)' }),
    }),
    body: { required: true, description: 'A JSON-RPC message', content: { 'application/json': { schema: JsonRpcRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The JSON-RPC response, as a Server-Sent Events stream: `event: message` / `data: <JSON-RPC response>`',
      content: { 'text/event-stream': { schema: zo.string().openapi({ description: 'SSE stream of JSON-RPC messages' }) } },
    },
    202: { description: 'Notification or response accepted (no body)' },
    400: jsonRpcErrorResponse('Not a valid JSON-RPC message (JSON-RPC error -32700 / -32600)'),
    401: restErrorResponse('Missing or wrong API key (`unauthorized`)'),
    403: jsonRpcErrorResponse('Host or Origin not allowed (DNS-rebinding protection)'),
    406: jsonRpcErrorResponse('Accept must list both application/json and text/event-stream'),
    413: restErrorResponse('Request body too large (`payload_too_large`)'),
    415: jsonRpcErrorResponse('Content-Type must be application/json'),
  },
});

/** Mounts `/mcp` on the app (after its auth and body-limit middleware) and documents it in the OpenAPI document. */
export function mountMcpEndpoint(app: GatewayApp, deps: McpEndpointDeps): void {
  const { sessions, research } = deps;
  const guard = createOriginGuard(deps.options);

  /** Hands a web Response to Hono so the headers set by middleware (X-Request-Id) are added. */
  const respond = (c: Context<GatewayEnv>, res: Response): Response =>
    c.newResponse(res.body, res);

  const rejectForeign = (c: Context<GatewayEnv>): Response | undefined => {
    const reason = guard.check(c.req.header('host') ?? new URL(c.req.url).host, c.req.header('origin'));
    if (reason === undefined) return undefined;
    c.get('log').warn('mcp request rejected', { reason });
    return respond(c, jsonRpcError(403, reason));
  };

  app.openAPIRegistry.registerPath(mcpRoute);

  app.post(MCP_PATH, async (c) => {
    const rejected = rejectForeign(c);
    if (rejected) return rejected;
    const log = c.get('log');
    const server = createHubMcpServer(sessions, research, { tenant: c.get('tenant'), log });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      maxRequestBodySize: LIMITS.maxBodyBytes,
    });
    server.server.onerror = (err) => log.debug('mcp transport error', { err: err.message });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      // Closing aborts the signals of tool calls still running (the client went away): they stop waiting.
      server.close().catch((err: unknown) => log.debug('closing the mcp server failed', { err }));
    };
    c.req.raw.signal.addEventListener('abort', release, { once: true });
    await server.connect(transport);
    try {
      return respond(c, releaseWhenDone(await transport.handleRequest(c.req.raw), release));
    } catch (err) {
      release();
      throw err;
    }
  });

  // Stateless: no standalone SSE stream (GET) and no session to end (DELETE).
  app.all(MCP_PATH, (c) => rejectForeign(c) ?? respond(c, jsonRpcError(405, 'Method not allowed.', { allow: 'POST' })));
}
