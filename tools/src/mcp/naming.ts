import { createHash } from 'node:crypto';
import { MCP_TOOL_SEPARATOR } from '@hub/contracts';

/** OpenAI's function-name rule; every name the model sees must match it. */
export const TOOL_NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME = 64;
const HASH_CHARS = 8;

function shortHash(server: string, tool: string): string {
  return createHash('sha256').update(`${server}\u0000${tool}`).digest('hex').slice(0, HASH_CHARS);
}

/**
 * The name the model sees for tool `tool` of server `server`: `server__tool`,
 * with every character outside `[a-zA-Z0-9_-]` replaced by `_`. A name longer
 * than 64 characters is cut and ends with `_` + 8 hex characters of a hash of
 * the original server and tool names, so different long names stay
 * different. `disambiguate` always appends that hash (used when two tools of
 * one server sanitise to the same name).
 *
 * The mapping is not reversible: keep the original names (see
 * `qualifyServerTools` / `parseQualifiedName`).
 */
export function qualifyToolName(server: string, tool: string, opts: { disambiguate?: boolean } = {}): string {
  const clean = `${server}${MCP_TOOL_SEPARATOR}${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (!opts.disambiguate && clean.length <= MAX_NAME && clean.length > 0) return clean;
  const suffix = `_${shortHash(server, tool)}`;
  return clean.slice(0, MAX_NAME - suffix.length) + suffix;
}

/**
 * Qualified names of all `tools` of one server: qualified name → original
 * tool name. When two tools sanitise to the same name, the first in sorted
 * order of the original names keeps the plain name and the others get the
 * hash suffix, so the result depends only on the set of names.
 */
export function qualifyServerTools(server: string, tools: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...new Set(tools)].sort();
  for (const tool of sorted) {
    let q = qualifyToolName(server, tool);
    if (out.has(q)) q = qualifyToolName(server, tool, { disambiguate: true });
    // A hash collision on top of a sanitising collision: skip the tool rather than shadow another.
    if (out.has(q)) continue;
    out.set(q, tool);
  }
  return out;
}

/**
 * Maps a qualified name back to its server and ORIGINAL tool name, given the
 * known servers and their tools (`server → original tool names`, or already
 * built `qualifyServerTools` maps). Undefined when no known tool has this
 * name. Server names may themselves contain `__`; every server whose prefix
 * fits is tried.
 */
export function parseQualifiedName(
  name: string,
  known: ReadonlyMap<string, Iterable<string> | ReadonlyMap<string, string>>,
): { server: string; tool: string } | undefined {
  for (const [server, tools] of known) {
    const prefix = `${server}${MCP_TOOL_SEPARATOR}`.replace(/[^a-zA-Z0-9_-]/g, '_');
    // Every qualified name starts with the server prefix unless the prefix itself was cut.
    if (prefix.length < MAX_NAME - HASH_CHARS - 1 && !name.startsWith(prefix)) continue;
    const map = tools instanceof Map ? (tools as ReadonlyMap<string, string>) : qualifyServerTools(server, tools as Iterable<string>);
    const tool = map.get(name);
    if (tool !== undefined) return { server, tool };
  }
  return undefined;
}
