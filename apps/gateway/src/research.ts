/**
 * The research service: start, read, list and cancel research jobs (one
 * `researchJob` workflow each, id `research/<tenant>/<id>`). Used by the REST
 * routes (`research-routes.ts`) and the `/mcp` tools.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  type CreateResearchBodySchema,
  RESEARCH_WORKFLOW_TYPES,
  parseDurationMs,
  researchStateQuery,
  researchWorkflowId,
  researchWorkflowIdPrefix,
  type AgentProfile,
  type ResearchJobInput,
  type ResearchState,
} from '@hub/contracts';
import type { z } from 'zod';
import { ApiError } from './errors';
import { shortCalls, type ProfileSource } from './sessions';

export const RESEARCH_PROFILES = { researcher: 'researcher', planner: 'research-planner', synthesizer: 'research-synthesizer' } as const;

export interface ResearchSummary {
  id: string;
  question: string;
  status: 'running' | 'finished' | 'failed' | 'terminated' | 'timed_out' | 'cancelled' | 'unknown';
  startTime: string;
  closeTime?: string;
}

export interface ResearchService {
  start(tenant: string, body: z.output<typeof CreateResearchBodySchema>): Promise<{ id: string }>;
  get(tenant: string, id: string): Promise<ResearchState>;
  /** Temporal status of the job workflow (RUNNING, COMPLETED, …), or undefined when there is none. */
  status(tenant: string, id: string): Promise<string | undefined>;
  list(tenant: string, limit: number): Promise<ResearchSummary[]>;
  cancel(tenant: string, id: string): Promise<void>;
}

export interface ResearchServiceOptions {
  client: Client;
  taskQueue: string;
  profiles: ProfileSource;
  rpcTimeoutMs?: number | undefined;
}

const LIST_STATUS: Record<string, ResearchSummary['status']> = {
  RUNNING: 'running',
  COMPLETED: 'finished',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};

/** The profiles of a research job (planner and synthesizer fall back to the researcher without tools). */
export function researchProfiles(
  profiles: ProfileSource,
  agent: string = RESEARCH_PROFILES.researcher,
): { planner: AgentProfile; researcher: AgentProfile; synthesizer: AgentProfile } | undefined {
  const researcher = profiles.get(agent);
  if (!researcher) return undefined;
  const noTools = { ...researcher, tools: [], maxToolRounds: 0 };
  return {
    researcher,
    planner: profiles.get(RESEARCH_PROFILES.planner) ?? noTools,
    synthesizer: profiles.get(RESEARCH_PROFILES.synthesizer) ?? noTools,
  };
}

export function createResearchService(opts: ResearchServiceOptions): ResearchService {
  const { client, taskQueue, profiles } = opts;
  const short = shortCalls(client, opts.rpcTimeoutMs);
  const handleFor = (tenant: string, id: string): WorkflowHandle => client.workflow.getHandle(researchWorkflowId(tenant, id));
  const notFound = (id: string) => (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
    throw err;
  };
  const status = async (tenant: string, id: string): Promise<string | undefined> => {
    try {
      return (await short(() => handleFor(tenant, id).describe())).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };

  return {
    async start(tenant, body) {
      const agent = body.agent ?? RESEARCH_PROFILES.researcher;
      const p = researchProfiles(profiles, agent);
      if (!p) {
        throw new ApiError(400, 'invalid_request', `unknown agent ${JSON.stringify(agent)}`, {
          field: 'agent',
          available: profiles.list().map((x) => x.name),
        });
      }
      const id = randomUUID();
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
        createdAt: new Date().toISOString(),
      };
      await short(() =>
        client.workflow.start(RESEARCH_WORKFLOW_TYPES.job, {
          workflowId: researchWorkflowId(tenant, id),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          memo: { question: body.question.slice(0, 200) },
          staticSummary: `research: ${body.question.slice(0, 100)}`,
        }),
      );
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
      const query = `WorkflowType = '${RESEARCH_WORKFLOW_TYPES.job}' AND WorkflowId STARTS_WITH '${prefix}'`;
      const out: ResearchSummary[] = [];
      await short(async () => {
        for await (const wf of client.workflow.list({ query, pageSize: Math.min(1000, limit + 10) })) {
          out.push({
            id: wf.workflowId.slice(prefix.length),
            question: typeof wf.memo?.['question'] === 'string' ? wf.memo['question'] : '',
            status: LIST_STATUS[wf.status.name] ?? 'unknown',
            startTime: wf.startTime.toISOString(),
            ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
          });
          if (out.length >= limit) break;
        }
      });
      return out.sort((a, b) => b.startTime.localeCompare(a.startTime));
    },

    async cancel(tenant, id) {
      const st = await status(tenant, id);
      if (st === undefined) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
      if (st !== 'RUNNING') throw new ApiError(409, 'research_finished', `research job '${id}' has already finished`);
      await short(() => handleFor(tenant, id).cancel()).catch(notFound(id));
    },
  };
}
