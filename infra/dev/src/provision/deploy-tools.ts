/**
 * The `deploy-tools` provision step: the validators of infra/deploy's files, built with Go (go-tools.ts) and
 * cached under <data dir>/tools/:
 *   helm             helm.sh/helm/v4/cmd/helm at HELM_VERSION: `helm lint` and `helm template` of the chart
 *   deploy-validate  infra/deploy/validate (a Go module): rendered manifests decoded strictly into the
 *                    k8s.io/api types, the compose file loaded by compose-go (the compose-spec schema), the
 *                    Dockerfiles parsed and linted by BuildKit's parser with every COPY source checked
 * No container engine, cluster or schema download is involved. infra/deploy/test runs them.
 */
import { join } from 'node:path';
import { repoRoot } from '@hub/runtime';
import { goBuildLocal, goInstall, type GoTool, type GoToolOptions } from './go-tools';
import type { ProvisionStep } from './step';

export const HELM_MODULE = 'helm.sh/helm/v4/cmd/helm';
export const HELM_VERSION = 'v4.3.2';

export interface DeployTools {
  helm: GoTool;
  validate: GoTool;
}

export function deployValidateDir(): string {
  return join(repoRoot(), 'infra', 'deploy', 'validate');
}

/** helm and deploy-validate, built when missing (or only looked up with `install: false`). */
export async function findOrBuildDeployTools(opts: GoToolOptions = {}): Promise<DeployTools> {
  // One after the other: each build already uses every core.
  const helm = await goInstall('helm', HELM_MODULE, HELM_VERSION, opts);
  const validate = await goBuildLocal('deploy-validate', deployValidateDir(), opts);
  return { helm, validate };
}

export const deployToolsStep: ProvisionStep = {
  name: 'deploy-tools',
  description:
    `Validators of infra/deploy (tests): helm ${HELM_VERSION} (go install ${HELM_MODULE}) and infra/deploy/validate (go build), ` +
    'in <data dir>/tools/; needs Go (GO, PATH or /usr/local/go/bin/go).',
  async run({ env, log }) {
    const tools = await findOrBuildDeployTools({ env, log });
    const shown = (t: GoTool) => `${t.path} (${t.built ? `built in ${(t.ms / 1000).toFixed(1)} s` : 'cached'})`;
    return `Deploy tools: helm ${shown(tools.helm)}, deploy-validate ${shown(tools.validate)}`;
  },
};
