/**
 * Admission of work against the tenant's limits (hub.config.json `limits`, common/limits.ts of
 * @hub/contracts): the REST create routes (quotas/middleware.ts) and the MCP tools ask here before
 * they start anything. Over a count limit: 429 `quota_exceeded` with `Retry-After`; a research job
 * asking for more agents than one job may have: 400 naming the limit (retrying can't help).
 */
import { RESEARCH_LIMITS, limitsOf, type Limits, type TenantLimits } from '@hub/contracts';
import { ApiError } from '../http/errors';
import type { QuotaService } from './service';

/** How long a client over a count limit is told to wait (the running work has to finish first). */
export const QUOTA_RETRY_AFTER_SEC = 10;

export interface Admission {
  limits(tenant: string): TenantLimits;
  session(tenant: string): Promise<void>;
  /** `maxAgents` and `concurrency` as the body asks (defaults applied). */
  research(tenant: string, job: { maxAgents: number; concurrency?: number | undefined }): Promise<void>;
  task(tenant: string): Promise<void>;
  /** `registered`: how many runtime MCP servers the tenant has now. */
  mcpServer(tenant: string, registered: () => Promise<number>): Promise<void>;
}

/** 429 `quota_exceeded`; `details`: the limit's name, its value and the count. */
export function quotaExceeded(limit: keyof TenantLimits, value: number, current: number, what: string): ApiError {
  return new ApiError(429, 'quota_exceeded', `${what}: ${current} of ${value} in use (limits.${limit})`, {
    limit,
    value,
    current,
    retryAfterSec: QUOTA_RETRY_AFTER_SEC,
  });
}

export function createAdmission(config: Limits | undefined, counts: QuotaService | undefined): Admission {
  const limits = (tenant: string) => limitsOf(config, tenant);
  const atMost = async (tenant: string, limit: keyof TenantLimits, what: string, current: () => Promise<number>, adding = 1) => {
    const value = limits(tenant)[limit];
    const n = await current();
    if (n + adding > value) throw quotaExceeded(limit, value, n, what);
  };
  return {
    limits,
    async session(tenant) {
      if (counts) await atMost(tenant, 'concurrentSessions', 'too many open sessions', () => counts.sessionsRunning(tenant));
    },
    async research(tenant, job) {
      const { maxAgentsPerJob } = limits(tenant);
      if (job.maxAgents > maxAgentsPerJob) {
        throw new ApiError(400, 'invalid_request', `maxAgents ${job.maxAgents} is over this tenant's limit of ${maxAgentsPerJob} (limits.maxAgentsPerJob)`, {
          limit: 'maxAgentsPerJob',
          value: maxAgentsPerJob,
        });
      }
      if (!counts) return;
      await atMost(tenant, 'jobsInFlight', 'too many research jobs and tasks running', () => counts.jobsRunning(tenant));
      const inFlight = Math.min(job.maxAgents, job.concurrency ?? RESEARCH_LIMITS.maxInFlight);
      await atMost(tenant, 'agentsInFlight', 'too many research agents running', () => counts.agentsRunning(tenant), inFlight);
    },
    async task(tenant) {
      if (counts) await atMost(tenant, 'jobsInFlight', 'too many research jobs and tasks running', () => counts.jobsRunning(tenant));
    },
    async mcpServer(tenant, registered) {
      await atMost(tenant, 'mcpServers', 'too many MCP servers registered', registered);
    },
  };
}
