/**
 * Entry point the worker bundles: every workflow type the hub runs. The
 * exported names are the workflow types (`WORKFLOW_TYPES` in
 * `@hub/contracts`), recorded in every history: they never change.
 */
export { agentSession } from './session';
export { mcpRegistry } from './mcp-registry';
export { agentRegistry } from './agent-registry';
export { sagaTask } from './task';
export { researchJob, researchBatch, researchAgent } from './research';
export { agentDelegation } from './agent-delegation';
export { budgetLedger } from './budget-ledger';
export { providerHealth } from './provider-health';
