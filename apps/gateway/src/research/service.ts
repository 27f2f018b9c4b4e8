/**
 * The research service: start, read, list, stream and cancel research jobs (one
 * `researchJob` workflow each, id `research/<tenant>/<id>`). Used by the REST
 * routes (research/routes.ts) and the `/mcp` tools (mcp-endpoint/tools.ts).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  type CreateResearchBodySchema,
  WORKFLOW_TYPES,
  apiStatusOf,
  parseDurationMs,
  researchStateQuery,
  researchWorkflowId,
  researchWorkflowIdPrefix,
  type ApiStatus,
  type ResearchJobInput,
  type ResearchState,
} from '@hub/contracts';
import type { z } from 'zod';
import { ApiError } from '../http/errors';
import { IDEMPOTENT_START, assertSameRequest, idempotencyMemo, idempotentId, requestFingerprint } from '../http/idempotency';
import { silentLogger, type Logger } from '../log';
import type { AgentResolver, ProfileSource } from '../profiles';
import { shortCalls } from '../temporal/deadlines';
import { withApiErrors } from '../temporal/failures';
import { workflowStatus } from '../temporal/status';
import { defaultOpenStream, type OpenStream, type StreamItem } from '../temporal/streams';
import { resolveResearchProfiles } from './profiles';

export interface ResearchSummary {
  id: string;
  question: string;
  status: ApiStatus<'research'>;
  startTime: string;
  closeTime?: string;
}

export interface ResearchService {
  /** Starts a job; with an idempotency key, a repeat answers the job the first request started (running or ended). */
  start(tenant: string, body: z.output<typeof CreateResearchBodySchema>, idempotencyKey?: string): Promise<{ id: string }>;
  get(tenant: string, id: string): Promise<ResearchState>;
  /** Temporal status of the job workflow (RUNNING, COMPLETED, …), or undefined when there is none. */
  status(tenant: string, id: string): Promise<string | undefined>;
  list(tenant: string, limit: number): Promise<ResearchSummary[]>;
  /** Requests cancellation; with an idempotency key, a repeat on a job that ended cancelled is answered, not refused. */
  cancel(tenant: string, id: string, idempotencyKey?: string): Promise<void>;
  /** The job's event stream from `fromOffset` (all topics; see http/sse.ts). */
  events(tenant: string, id: string, fromOffset: number): AsyncGenerator<StreamItem, void, unknown>;
}

export interface ResearchServiceOptions {
  client: Client;
  taskQueue: string;
  /** The built-in and config agents: the default planner and synthesizer when the body names none. */
  profiles: ProfileSource;
  /** Resolves the body's `agent`, `planner` and `synthesizer` (names or name@version) for the tenant. */
  agents: AgentResolver;
  log?: Logger | undefined;
  rpcTimeoutMs?: number | undefined;
  /** Opens a job's event subscription. Default: the workflow-streams client. */
  openStream?: OpenStream | undefined;
}

export function createResearchService(opts: ResearchServiceOptions): ResearchService {
  const { client, taskQueue, profiles, agents } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const openStream = opts.openStream ?? defaultOpenStream(client);
  const handleFor = (tenant: string, id: string): WorkflowHandle => client.workflow.getHandle(researchWorkflowId(tenant, id));
  const notFound = (id: string) => (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
    throw err;
  };
  const status = (tenant: string, id: string): Promise<string | undefined> => workflowStatus(short, handleFor(tenant, id));

  return withApiErrors<ResearchService>({
    async start(tenant, body, key) {
      const ctx = { tenant, log: opts.log ?? silentLogger };
      const p = await resolveResearchProfiles(ctx, agents, profiles, body);
      const id = key !== undefined ? idempotentId(tenant, 'POST /v1/research', key) : randomUUID();
      const fingerprint = requestFingerprint(body);
      if (key !== undefined) {
        // A repeat: the same job (running or ended), unless the key was used for another request.
        const description = await short(() => handleFor(tenant, id).describe()).catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        });
        if (description) {
          assertSameRequest(description.memo, fingerprint, `research job '${id}'`);
          return { id };
        }
      }
      const input: ResearchJobInput = {
        id,
        tenant,
        question: body.question,
        maxAgents: body.maxAgents,
        ...p,
        ...(body.tools ? { tools: body.tools } : {}),
        ...(body.concurrency ? { concurrency: body.concurrency } : {}),
        minSuccessRatio: body.policy?.minSuccessRatio ?? 0.5,
        ...(body.policy?.deadline ? { deadlineMs: parseDurationMs(body.policy.deadline)! } : {}),
        ...(body.budget ? { budget: body.budget } : {}),
        ...(body.waitForBudget === false ? { waitForBudget: false } : {}),
        createdAt: new Date().toISOString(),
      };
      try {
        await short(() =>
          client.workflow.start(WORKFLOW_TYPES.researchJob, {
            workflowId: researchWorkflowId(tenant, id),
            taskQueue,
            args: [input],
            ...(key !== undefined ? IDEMPOTENT_START : { workflowIdConflictPolicy: 'FAIL' as const }),
            memo: { question: body.question.slice(0, 200), ...(key !== undefined ? idempotencyMemo(fingerprint) : {}) },
            staticSummary: `research: ${body.question.slice(0, 100)}`,
          }),
        );
      } catch (err) {
        // Started by a concurrent repeat and already ended: the same job.
        if (!(key !== undefined && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return { id };
    },

    async get(tenant, id) {
      const handle = handleFor(tenant, id);
      const st = await status(tenant, id);
      if (st === undefined) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
      // A finished job's result is its final state; a running one answers its query.
      if (st === 'COMPLETED') return (await short(() => handle.result())) as ResearchState;
      return short(() => handle.query(researchStateQuery)).catch(notFound(id));
    },

    status,

    async list(tenant, limit) {
      const prefix = researchWorkflowIdPrefix(tenant);
      const query = `WorkflowType = '${WORKFLOW_TYPES.researchJob}' AND WorkflowId STARTS_WITH '${prefix}'`;
      const out: ResearchSummary[] = [];
      await short(async () => {
        for await (const wf of client.workflow.list({ query, pageSize: Math.min(1000, limit + 10) })) {
          out.push({
            id: wf.workflowId.slice(prefix.length),
            question: typeof wf.memo?.['question'] === 'string' ? wf.memo['question'] : '',
            status: apiStatusOf('research', wf.status.name),
            startTime: wf.startTime.toISOString(),
            ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
          });
          if (out.length >= limit) break;
        }
      });
      return out.sort((a, b) => b.startTime.localeCompare(a.startTime));
    },

    async cancel(tenant, id, key) {
      const st = await status(tenant, id);
      if (st === undefined) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
      if (st !== 'RUNNING') {
        // A repeated cancel (its first answer was lost) of a job that ended cancelled: the same answer.
        if (key !== undefined && (st === 'CANCELLED' || (st === 'COMPLETED' && ((await short(() => handleFor(tenant, id).result())) as ResearchState).status === 'cancelled'))) return;
        throw new ApiError(409, 'research_finished', `research job '${id}' has already finished`);
      }
      await short(() => handleFor(tenant, id).cancel()).catch(notFound(id));
    },

    events(tenant, id, fromOffset) {
      return openStream(researchWorkflowId(tenant, id), fromOffset);
    },
  });
}
