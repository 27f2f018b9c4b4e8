export * from './types';
export * from './errors';
export * from './registry';
export * from './truncate';
export * from './activities';
export * from './builtin';
export * from './mcp';
