/**
 * The hub's workflow bundle for tests: the prebuilt one (`npm test` provisions it first) when its source
 * hash is current, else bundled once per test process (and stored for the next). One call per process.
 *
 *   import { hubWorkflowBundle } from '@hub/testing/workflow-bundle';
 *   await Worker.create({ ..., workflowBundle: await hubWorkflowBundle() });
 */
import type { WorkflowBundleOption } from '@temporalio/worker';
import { resolveWorkflowBundle, type ResolvedWorkflowBundle } from '@hub/worker/workflow-bundle';

let resolved: Promise<ResolvedWorkflowBundle> | undefined;

/** The bundle with where it came from ('prebuilt' or 'built', and why). */
export function resolveHubWorkflowBundle(): Promise<ResolvedWorkflowBundle> {
  resolved ??= resolveWorkflowBundle({
    log: (msg, fields) => process.stderr.write(`[workflow-bundle] ${msg}: ${String(fields['reason'])}\n`),
  });
  return resolved;
}

/** For WorkerOptions.workflowBundle (and Worker.runReplayHistories). */
export async function hubWorkflowBundle(): Promise<WorkflowBundleOption> {
  return (await resolveHubWorkflowBundle()).bundle;
}
