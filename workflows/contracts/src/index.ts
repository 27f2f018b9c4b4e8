/**
 * Everything of `@hub/contracts`, by domain. Each domain has a zod-free
 * `wire.ts` (names, ids, limits, Temporal messages, plain types and pure
 * helpers; workflow code imports these at runtime as
 * `@hub/contracts/<domain>/wire`) and a `schemas.ts` (zod schemas of the API
 * and of workflow inputs, checked against the wire types). Services import
 * from here. (`common/schemas.ts` holds only the type-level proofs the
 * schemas use and is not re-exported.)
 */
export * from './common/wire';
export * from './agent/wire';
export * from './agent/schemas';
export * from './agent-registry/wire';
export * from './session/wire';
export * from './session/schemas';
export * from './research/wire';
export * from './research/schemas';
export * from './task/wire';
export * from './task/schemas';
export * from './mcp/wire';
export * from './mcp/schemas';
export * from './delegation/wire';
export * from './delegation/schemas';
export * from './a2a/wire';
export * from './a2a/schemas';
export * from './models/wire';
export * from './models/schemas';
export * from './budget/wire';
export * from './budget/schemas';
export * from './metrics/wire';
