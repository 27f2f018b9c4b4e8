/** @hub/dev: what runs the hub on a developer's machine (the `npm start` supervisor, provisioning, the dev server, process helpers). */
export {
  TemporalCliNotFoundError,
  findOrInstallTemporalCli,
  type FindTemporalCliOptions,
  type TemporalCli,
  type TemporalCliSource,
} from './provision/temporal-cli';
export {
  DEFAULT_DYNAMIC_CONFIG,
  DevServerDbInUseError,
  assertDbFileNotInUse,
  startDevServer,
  type DevServer,
  type StartDevServerOptions,
} from './temporal/dev-server';
export { describePortOwner, getFreePort, isPortFree } from './process';
export { findOrProvisionLocalModel, type FindLocalModelOptions } from './provision/local-model';
export { HELM_VERSION, findOrBuildDeployTools, type DeployTools } from './provision/deploy-tools';
export type { GoTool } from './provision/go-tools';
export { waitForReadyLine, type ReadyChild, type WaitForReadyOptions } from './ready-line';
