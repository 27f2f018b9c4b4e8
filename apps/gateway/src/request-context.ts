/** Who a service call is for: what the HTTP layer (REST route or MCP tool) hands every service. */
import type { Logger } from './log';

export interface RequestContext {
  /** Everything is scoped to the tenant (picked by the API key). */
  tenant: string;
  /** The request's logger (its lines carry the request id and tenant). */
  log: Logger;
  /** Aborting it stops waiting for Temporal (e.g. the client went away). The workflow itself carries on. */
  signal?: AbortSignal | undefined;
}
