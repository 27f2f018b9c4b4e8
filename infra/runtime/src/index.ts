/** @hub/runtime: what the hub's running services import (logger, config, Temporal connection, shutdown, the local model's location). */
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
export {
  connectTemporal,
  connectionOptions,
  type ConnectTemporalOptions,
  type TemporalClientHandle,
  type TemporalConnectionOptions,
} from './temporal-connection';
export {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  METADATA_KEY_ID,
  PAYLOAD_KEYS_ENV,
  describePayloadEncryption,
  hubDataConverter,
  loadPayloadCodec,
  parsePayloadKeys,
  type PayloadKey,
} from './codec';
export { hubConfigPath, loadHubConfig, parseHubConfig } from './hub-config';
export { stopOnSignals, type StopOnSignalsOptions } from './shutdown';
export {
  DEFAULT_LOCAL_MODEL,
  LocalModelError,
  defaultModelPath,
  localModelCandidates,
  locateLocalModel,
  modelIdForPath,
  sha256File,
  writeMarker,
  type LocalModel,
  type LocalModelSource,
  type LocateLocalModelOptions,
} from './local-model';
