/**
 * The hub's MCP tools: `chat` (start or continue a session, with any agent the tenant may use),
 * `list_agents`, `list_sessions`, `start_research` and `get_research`, bound to the caller's tenant. They call the same services as the REST
 * routes; failures become tool errors (`isError: true`) an LLM (or a person) can act on.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CreateResearchBodySchema, formatIssues, type AgentRecord, type TurnResult } from '@hub/contracts';
import { toApiError } from '../http/error-handler';
import { LIST_LIMIT_DEFAULT } from '../http/list-query';
import type { Logger } from '../log';
import type { Admission } from '../quotas/admission';
import type { ResearchService } from '../research/service';
import type { SessionContext, SessionService } from '../sessions/service';
import {
  chatInput,
  chatOutput,
  getResearchInput,
  listAgentsInput,
  listAgentsOutput,
  listSessionsInput,
  listSessionsOutput,
  startResearchInput,
} from './tool-schemas';

export const MCP_SERVER_INFO = { name: 'agent-hub', version: '0.1.0' } as const;

const INSTRUCTIONS = [
  "Agent Hub: durable AI agent sessions. Call `chat` without a sessionId to start a session; the result's sessionId",
  'continues the conversation in later `chat` calls. `list_agents` lists the agents you can chat with (pass one as',
  '`agent`, optionally pinned to a version: "support@3"). `list_sessions` lists your sessions.',
  '`start_research` starts a research job (parallel agents, then a report); `get_research` reads its progress and report.',
].join(' ');

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
    case 'quota_exceeded':
      return `${e.message}; try again later`;
    default:
      log.error('mcp tool call failed', { err, code: e.code });
      return `${e.message} (${e.code})`;
  }
}

/** A failed research call as a tool error: not found, Temporal down or slow, or (logged) the error's message and code. */
function describeResearchFailure(err: unknown, log: Logger, id: string): string {
  const e = toApiError(err);
  switch (e.code) {
    case 'research_not_found':
      return `no research job ${id} (not found: ids come from start_research, and each tenant sees its own only)`;
    case 'upstream_timeout':
      return 'the hub did not answer in time (is a worker running?)';
    case 'temporal_unavailable':
      return 'the hub is unavailable (Temporal unreachable); try again later';
    default:
      log.error('mcp tool call failed', { err, code: e.code, researchId: id });
      return `${e.message} (${e.code})`;
  }
}

/** The agents a tenant may use (the gateway's agent service: built-in, config and the tenant's own). */
export interface AgentLister {
  list(ctx: SessionContext): Promise<AgentRecord[]>;
}

/** One line per agent: `name@version (source): description`, with its handoffs and delegates. */
function agentLines(agents: ReadonlyArray<{ name: string; version: number; source: string; description: string; handoffs: string[]; delegates: string[] }>): string {
  if (agents.length === 0) return 'No agents.';
  return agents
    .map((a) => {
      const edges = [
        ...(a.handoffs.length ? [`hands off to ${a.handoffs.join(', ')}`] : []),
        ...(a.delegates.length ? [`asks ${a.delegates.join(', ')}`] : []),
      ];
      return `${a.name}@${a.version} (${a.source})${a.description ? `: ${a.description}` : ''}${edges.length ? ` [${edges.join('; ')}]` : ''}`;
    })
    .join('\n');
}

/**
 * The MCP server of one request, its tools bound to the caller's tenant. `list_agents` is offered when the
 * agent service is given.
 */
export function createHubMcpServer(
  sessions: SessionService,
  research: ResearchService,
  ctx: SessionContext,
  admission?: Admission,
  agents?: AgentLister,
): McpServer {
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
            await admission?.session(ctx.tenant);
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

  if (agents) {
    server.registerTool(
      'list_agents',
      {
        title: 'List agents',
        description:
          'The agents you can chat with (pass a name as `agent` to `chat`, or name@version to pin a version): ' +
          'built-in ones, those of the hub config and your own (as GET /v1/agents), with what each hands off to and asks.',
        inputSchema: listAgentsInput,
        outputSchema: listAgentsOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      () =>
        timed('list_agents', {}, async () => {
          try {
            const list = (await agents.list(ctx)).map((a) => ({
              name: a.name,
              description: a.description,
              version: a.version,
              source: a.source,
              handoffs: [...a.handoffs],
              delegates: [...a.delegates],
            }));
            const structured = { agents: list };
            return { content: text(agentLines(list)), structuredContent: structured };
          } catch (err) {
            return toolError(describeFailure(err, log, undefined));
          }
        }),
    );
  }

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
        if (!body.success) return toolError(formatIssues(body.error.issues));
        try {
          await admission?.research(ctx.tenant, body.data);
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
          return toolError(describeResearchFailure(err, log, id));
        }
      }),
  );

  return server;
}
