export { createLogger, type Logger, type LogFields, type LogLevel } from './log';
export {
  ConfigError,
  DEFAULT_NAMESPACE,
  DEFAULT_TASK_QUEUE,
  hubDataDir,
  loadTemporalConfig,
  repoRoot,
  type Env,
  type TemporalConfig,
  type TemporalTlsConfig,
} from './config';
export { connectTemporal, connectionOptions, type TemporalClientHandle, type TemporalConnectionOptions } from './temporal/connection';
export {
  TemporalCliNotFoundError,
  findOrInstallTemporalCli,
  type FindTemporalCliOptions,
  type TemporalCli,
  type TemporalCliSource,
} from './temporal/provision';
export {
  DEFAULT_DYNAMIC_CONFIG,
  DevServerDbInUseError,
  assertDbFileNotInUse,
  startDevServer,
  type DevServer,
  type StartDevServerOptions,
} from './temporal/dev-server';
export { describePortOwner, getFreePort, isPortFree } from './temporal/process';
export { hubConfigPath, loadHubConfig, parseHubConfig } from './hub-config';
export {
  DEFAULT_LOCAL_MODEL,
  LocalModelError,
  defaultModelPath,
  findOrProvisionLocalModel,
  modelIdForPath,
  type FindLocalModelOptions,
  type LocalModel,
  type LocalModelSource,
} from './local-model/provision';
export { stopOnSignals, waitForReadyLine, type ReadyChild, type StopOnSignalsOptions, type WaitForReadyOptions } from './process-lifecycle';
