/** `@hub/runtime/metrics`: the hub's Prometheus registries and the metrics listener (see registry.ts, serve.ts). */
export { boundedLabel, createGatewayMetrics, gatewayMetrics, workerMetrics, type GatewayMetrics, type WorkerMetrics } from './registry';
export { PROMETHEUS_CONTENT_TYPE, startMetricsServer, type MetricsServer } from './serve';
