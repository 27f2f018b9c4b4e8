import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { hubDataConverter, loadPayloadCodec } from './codec';
import { loadTemporalConfig, type TemporalConfig } from './config';

/** Connection settings accepted by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export interface TemporalConnectionOptions {
  address?: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** Maps a {@link TemporalConfig} to `{ address, tls, apiKey }`, omitting unset keys. */
export function connectionOptions(cfg: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey'>): TemporalConnectionOptions {
  const opts: TemporalConnectionOptions = {};
  if (cfg.address !== undefined) opts.address = cfg.address;
  if (cfg.tls !== undefined) opts.tls = cfg.tls;
  if (cfg.apiKey !== undefined) opts.apiKey = cfg.apiKey;
  return opts;
}

export interface TemporalClientHandle {
  connection: Connection;
  client: Client;
  /** Closes the underlying connection. */
  close(): Promise<void>;
}

export interface ConnectTemporalOptions {
  connectTimeoutMs?: number;
  /**
   * The client's data converter. Default: the hub's (payloads encrypted with the keys of HUB_PAYLOAD_KEYS
   * in `env`; the SDK default when none are set), so every client the hub creates reads and writes what the
   * worker does.
   */
  dataConverter?: DataConverter;
  env?: NodeJS.ProcessEnv;
}

/**
 * Connects a Temporal client (eagerly, so a bad address fails here rather than on first use).
 * Defaults to the configuration from the environment.
 */
export async function connectTemporal(
  cfg: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey' | 'namespace'> = loadTemporalConfig(),
  opts: ConnectTemporalOptions = {},
): Promise<TemporalClientHandle> {
  const dataConverter = opts.dataConverter ?? hubDataConverter(loadPayloadCodec(opts.env ?? process.env));
  const connection = await Connection.connect({
    ...connectionOptions(cfg),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeout: opts.connectTimeoutMs } : {}),
  });
  const client = new Client({ connection, namespace: cfg.namespace, ...(dataConverter ? { dataConverter } : {}) });
  return { connection, client, close: () => connection.close() };
}
