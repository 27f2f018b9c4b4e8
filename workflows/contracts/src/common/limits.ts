/**
 * `limits` of hub.config.json: per-tenant quotas and rate limits the gateway enforces (429 with
 * `Retry-After`). `defaults` apply to every tenant, `tenants.<name>` overrides single fields.
 * A field left out everywhere takes {@link DEFAULT_TENANT_LIMITS}.
 */
import { z } from 'zod';
import { TENANT_RE } from './wire';

const count = (what: string) => z.number().int().positive().describe(what);

export const TenantLimitsSchema = z
  .object({
    requestsPerSecond: z.number().positive().describe('Sustained API requests per second (per gateway process)'),
    burst: z.number().int().nonnegative().describe('Requests allowed on top of requestsPerSecond in a burst (refilled over ceil(burst / requestsPerSecond) s)'),
    concurrentSessions: count('Sessions open (running) at once'),
    maxAgentsPerJob: count('maxAgents one research job may ask for'),
    agentsInFlight: count('Research agents running at once, over all jobs'),
    jobsInFlight: count('Research jobs and tasks running at once'),
    mcpServers: count('MCP servers registered at runtime'),
  })
  .partial()
  .strict();
export type TenantLimitsInput = z.infer<typeof TenantLimitsSchema>;
export type TenantLimits = Required<TenantLimitsInput>;

/**
 * What a tenant gets when the config says nothing: generous enough for the hub's own tests and
 * benchmarks (1000-agent research jobs, chaos runs), yet a bound on every resource (the largest
 * job a body may ask for, RESEARCH_LIMITS.maxAgents = 10 000, needs an explicit limit).
 */
export const DEFAULT_TENANT_LIMITS: TenantLimits = {
  requestsPerSecond: 100,
  burst: 200,
  concurrentSessions: 1000,
  maxAgentsPerJob: 1000,
  agentsInFlight: 2000,
  jobsInFlight: 100,
  mcpServers: 50,
};

export const LimitsSchema = z
  .object({
    defaults: TenantLimitsSchema.default({}),
    tenants: z.record(z.string().regex(TENANT_RE), TenantLimitsSchema).default({}),
  })
  .strict();
export type Limits = z.infer<typeof LimitsSchema>;

/** The limits of `tenant`: its overrides, else the config's defaults, else {@link DEFAULT_TENANT_LIMITS}. */
export function limitsOf(limits: Limits | undefined, tenant: string): TenantLimits {
  return { ...DEFAULT_TENANT_LIMITS, ...limits?.defaults, ...limits?.tenants[tenant] };
}
