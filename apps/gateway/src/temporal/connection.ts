/**
 * The gateway's Temporal client, connected lazily: the gateway starts (and answers /healthz, /readyz
 * 503, and 503 on its routes) while Temporal is down, and its gRPC channel connects once Temporal is up.
 */
import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import { connectionOptions, hubDataConverter, loadPayloadCodec, type TemporalConfig, type TemporalClientHandle } from '@hub/runtime';

export function lazyTemporalClient(
  cfg: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey' | 'namespace'>,
  env: NodeJS.ProcessEnv = process.env,
  /** The trace interceptors (temporalClientInterceptors of @hub/runtime/telemetry) when traces are on. */
  interceptors?: ClientInterceptors,
): TemporalClientHandle {
  const dataConverter = hubDataConverter(loadPayloadCodec(env));
  const connection = Connection.lazy({
    ...connectionOptions(cfg),
    // Reconnect within seconds once Temporal is back (gRPC's default backoff grows to 2 min).
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 3_000 },
  });
  const client = new Client({ connection, namespace: cfg.namespace, ...(dataConverter ? { dataConverter } : {}), ...(interceptors ? { interceptors } : {}) });
  return { connection, client, close: () => connection.close() };
}
