import { createHash } from 'node:crypto';
import type { McpToolDefinition } from '@hub/contracts';

/**
 * JSON with object keys sorted at every level (arrays keep their order), the
 * same value for the same data whatever the key order it arrived in.
 * `undefined` members are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(src).sort()) {
      const v = src[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** What a tool is pinned by: the parts the model sees. */
export interface PinnedToolFields {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
}

/**
 * sha256 (hex) of the canonical JSON of `{name, description, inputSchema}`.
 * Tool pinning: a tool whose hash differs from the approved one has changed
 * under the hub ("rug pull") and is not offered until re-approved.
 */
export function toolDefinitionHash(tool: PinnedToolFields): string {
  const { name, description, inputSchema } = tool;
  return createHash('sha256').update(canonicalJson({ name, description, inputSchema })).digest('hex');
}

/** A tool as listed by an MCP server (`tools/list`), the fields used here. */
export interface McpListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
}

/** The hub's record of a listed tool, with its pinning hash. */
export function toDefinition(tool: McpListedTool): McpToolDefinition {
  const def: McpToolDefinition = {
    name: tool.name,
    inputSchema: tool.inputSchema,
    hash: toolDefinitionHash(tool),
  };
  if (tool.description !== undefined) def.description = tool.description;
  return def;
}
