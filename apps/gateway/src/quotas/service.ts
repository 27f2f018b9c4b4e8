/**
 * What a tenant has running right now, from Temporal visibility (`countWorkflowExecutions` by
 * workflow id prefix, type and status), so the counts hold across every gateway process: open
 * sessions, research jobs and tasks in flight, research agents in flight. Visibility is eventually
 * consistent (a workflow started a moment ago may not be counted yet): a burst of creates can
 * overshoot a count limit by the few that race; the per-gateway request-rate limiter
 * (rate-limit.ts) bounds such bursts.
 */
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPES, researchWorkflowIdPrefix, sessionWorkflowIdPrefix, taskWorkflowId } from '@hub/contracts';

export interface QuotaService {
  /** Sessions of the tenant that are open (running). */
  sessionsRunning(tenant: string): Promise<number>;
  /** Research jobs and tasks of the tenant that are running. */
  jobsRunning(tenant: string): Promise<number>;
  /** Research agents of the tenant's jobs that are running. */
  agentsRunning(tenant: string): Promise<number>;
}

/** The visibility query of the tenant's running workflows of `type` whose id starts with `prefix`. */
export function runningQuery(type: string, prefix: string): string {
  return `WorkflowType = '${type}' AND WorkflowId STARTS_WITH '${prefix}' AND ExecutionStatus = 'Running'`;
}

export function createQuotaService(client: Client, opts: { rpcTimeoutMs?: number | undefined } = {}): QuotaService {
  const deadlineMs = opts.rpcTimeoutMs ?? 5_000;
  const count = async (type: string, prefix: string): Promise<number> =>
    (await client.withDeadline(Date.now() + deadlineMs, () => client.workflow.count(runningQuery(type, prefix)))).count;
  return {
    sessionsRunning: (tenant) => count(WORKFLOW_TYPES.session, sessionWorkflowIdPrefix(tenant)),
    async jobsRunning(tenant) {
      const [research, tasks] = await Promise.all([
        count(WORKFLOW_TYPES.researchJob, researchWorkflowIdPrefix(tenant)),
        count(WORKFLOW_TYPES.task, taskWorkflowId(tenant, '')),
      ]);
      return research + tasks;
    },
    agentsRunning: (tenant) => count(WORKFLOW_TYPES.researchAgent, researchWorkflowIdPrefix(tenant)),
  };
}
