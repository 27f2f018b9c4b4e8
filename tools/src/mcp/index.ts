export * from './naming';
export * from './pinning';
export * from './safety';
export * from './connection';
export { McpUnavailableError } from './failures';
export * from './connection-manager';
export { connectionConfigHash } from './transports';
export * from './validate';
export * from './provider';
