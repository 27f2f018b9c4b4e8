/** Entry point the worker bundles: every workflow type the hub runs. */
export { agentSession } from './session';
export { mcpRegistry } from './mcp-registry';
export { sagaTask } from './saga-task';
export { researchJob, researchBatch, researchAgent } from './research';
