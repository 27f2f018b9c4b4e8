/**
 * The workflows must bundle for Temporal's sandbox: the bundler rejects Node
 * built-ins and other disallowed modules, so this fails the moment workflow
 * code (or anything it imports at runtime) reaches for one.
 */
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

describe('workflow bundle', () => {
  it('bundles every hub workflow without disallowed modules', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), logger: silent });
    expect(code).toContain('agentSession');
    // The stream and contracts code is inside the bundle; no client or worker code is.
    expect(code).toContain('__temporal_workflow_stream_poll');
    expect(code).not.toContain('@temporalio/client/lib/connection');
    for (const name of ['agentSession', 'mcpRegistry', 'sagaTask', 'researchJob', 'researchBatch', 'researchAgent']) expect(code).toContain(name);
  });

  it('carries only the light contract modules: module scope runs again for every workflow run', async () => {
    // Every workflow run evaluates the bundle's modules afresh; the API schemas (sessions, MCP registry
    // state, tasks, research state) cost ~10 ms per run and are never needed inside a workflow.
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), logger: silent });
    const contracts = [...new Set([...code.matchAll(/contracts\/src\/([a-z-]+)\.ts/g)].map((m) => m[1]))].sort();
    expect(contracts).toEqual(['inputs', 'limits', 'mcp-config', 'messages', 'names', 'research-names', 'research-plan', 'saga', 'usage']);
  });

  it('fails on a workflow that imports a forbidden module (negative control)', async () => {
    const probe = fileURLToPath(new URL('./fixtures/forbidden-import.workflow.ts', import.meta.url));
    await expect(bundleWorkflowCode({ workflowsPath: probe, logger: silent })).rejects.toThrow(/disallowed modules/);
  });
});
