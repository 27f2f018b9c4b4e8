/**
 * The tenant's agent registry workflow as the gateway's services reach it (agents and remote A2A agents
 * live in the same registry): its handle, the start operation of Update-with-Start (the registry starts
 * with the tenant's first stored agent), and its refusals as API errors.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { AGENT_REGISTRY_FAILURES, WORKFLOW_TYPES, agentRegistryWorkflowId } from '@hub/contracts';
import { ApiError } from '../http/errors';

export function agentRegistryOf(client: Client, taskQueue: string) {
  return {
    handle: (tenant: string) => client.workflow.getHandle(agentRegistryWorkflowId(tenant)),
    startOp: (tenant: string) =>
      new WithStartWorkflowOperation(WORKFLOW_TYPES.agentRegistry, {
        workflowId: agentRegistryWorkflowId(tenant),
        taskQueue,
        args: [{ tenant }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
  };
}

/** The registry's refusals (its validators' failure types) as API errors; anything else is rethrown. */
export function registryError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const message = cause?.message ?? err.message;
    switch (cause?.type) {
      case AGENT_REGISTRY_FAILURES.invalid: {
        const details = cause.details?.[0] as { issues?: { path: string; message: string }[] } | undefined;
        const issues = (details?.issues ?? []).map((i) => ({ ...i, code: 'custom' }));
        throw new ApiError(400, 'invalid_request', message, { target: 'body', issues, ...(issues[0] ? { field: issues[0].path } : {}) });
      }
      case AGENT_REGISTRY_FAILURES.notFound:
      case AGENT_REGISTRY_FAILURES.remoteNotFound:
        throw new ApiError(404, 'agent_not_found', message);
      case AGENT_REGISTRY_FAILURES.exists:
      case AGENT_REGISTRY_FAILURES.inUse:
      case AGENT_REGISTRY_FAILURES.reserved:
      case AGENT_REGISTRY_FAILURES.limit:
        throw new ApiError(409, 'conflict', message);
    }
  }
  throw err;
}
