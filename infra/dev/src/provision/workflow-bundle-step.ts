/**
 * The `workflow-bundle` provision step: the hub's workflow code bundled once (webpack, seconds) and kept
 * under the hash of its sources, so worker starts and restarts skip it (apps/worker/src/workflow-bundle.ts
 * says what is hashed and how a worker checks it). Up to date: a hash check, milliseconds.
 */
import { buildWorkflowBundle, hubWorkflowSources, loadPrebuiltWorkflowBundle, workflowBundleCacheDir } from '@hub/worker/workflow-bundle';
import { buildCompiledEntry, compiledEntryIsCurrent } from '@hub/worker/compiled-entry';
import type { ProvisionStep } from './step';

export const workflowBundleStep: ProvisionStep = {
  name: 'workflow-bundle',
  description:
    'Prebuilt workflow bundle for the worker (workflows/src + the contracts, bundled by webpack), kept under a hash of its ' +
    'sources in HUB_WORKFLOW_BUNDLE_DIR (default <repo>/node_modules/.cache/hub-workflow-bundle); rebuilt when they change.',
  async run({ env, log }) {
    const cacheDir = workflowBundleCacheDir(env);
    const sources = hubWorkflowSources();
    const found = loadPrebuiltWorkflowBundle({ cacheDir, sources });
    if (found.status === 'hit') return `Workflow bundle: ${found.codePath} (current; source hash ${found.hash.slice(0, 12)})`;
    log(`workflow bundle: ${found.reason}; bundling…`);
    const built = await buildWorkflowBundle({ cacheDir, sources });
    if (built.notStored) throw new Error(`the workflow bundle was built but not stored: ${built.notStored}`);
    return `Workflow bundle: ${built.codePath} (built in ${(built.manifest.buildMs / 1000).toFixed(1)} s; source hash ${built.hash.slice(0, 12)})`;
  },
};

/** The `worker-entry` step: the worker compiled to one JavaScript file (apps/worker/src/compiled-entry.ts). */
export const workerEntryStep: ProvisionStep = {
  name: 'worker-entry',
  description:
    'The worker compiled to JavaScript (esbuild; the hub packages inlined) in <repo>/node_modules/.cache/hub-worker, started by ' +
    'apps/worker/bin/worker.mjs without a TypeScript loader while every input is unchanged; rebuilt when one changes.',
  async run({ log }) {
    const now = compiledEntryIsCurrent();
    if (now.current) return `Compiled worker: ${now.file} (current)`;
    log(`compiled worker: ${now.reason}; compiling…`);
    const built = await buildCompiledEntry();
    return `Compiled worker: ${built.file} (built in ${built.manifest.buildMs} ms, ${Object.keys(built.manifest.inputs).length} inputs)`;
  },
};
