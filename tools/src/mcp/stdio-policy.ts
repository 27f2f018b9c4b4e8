/**
 * Which stdio servers a tenant may register at runtime (issue 11, #1): a
 * stdio server runs a process on the worker, so the operator's allowlist
 * names whole invocations — the command, a pattern per argument and the
 * environment variables a registration may set — and `cwd` stays under an
 * operator-chosen root. Checked by the gateway at registration and by every
 * worker before it spawns (the registry may hold entries from before a
 * config change).
 *
 * Servers of the config file are the operator's own and are not checked.
 */
import { realpathSync } from 'node:fs';
import picomatch from 'picomatch';
import { isDeniedRuntimeEnv, isNormalAbsolutePath, type HubConfig, type McpStdioServerConfig, type StdioAllowEntry } from '@hub/contracts';
import { McpSafetyError } from './safety';

type Security = Pick<HubConfig['security'], 'stdioCommandAllowlist' | 'stdioCwdRoot'>;

/** What a registration asks to run. */
export type StdioInvocation = Pick<McpStdioServerConfig, 'command' | 'args' | 'env' | 'cwd'>;

/** An allowlist entry in its full form (a plain string is that command with no arguments). */
export function normalizeStdioEntry(entry: string | StdioAllowEntry): Required<StdioAllowEntry> {
  return typeof entry === 'string' ? { command: entry, args: [], env: [] } : { command: entry.command, args: entry.args ?? [], env: entry.env ?? [] };
}

const GLOB_OPTIONS = { dot: false, nobrace: false, noextglob: true } as const;

/** Whether `arg` is `pattern` or matches it as a glob (never a `-…` option nor a `..` segment through a glob). */
export function argMatches(arg: string, pattern: string): boolean {
  if (arg === pattern) return true;
  if (!picomatch.scan(pattern).isGlob) return false;
  if (arg.startsWith('-') && !pattern.startsWith('-')) return false;
  if (arg.includes('\u0000') || arg.split(/[\\/]/).includes('..')) return false;
  return picomatch.isMatch(arg, pattern, GLOB_OPTIONS);
}

const nameMatches = (name: string, patterns: readonly string[]) =>
  patterns.some((p) => p === name || (picomatch.scan(p).isGlob && picomatch.isMatch(name, p, GLOB_OPTIONS)));

function entryAllows(entry: Required<StdioAllowEntry>, inv: StdioInvocation): string | undefined {
  const args = inv.args ?? [];
  if (args.length !== entry.args.length) {
    return `takes ${entry.args.length === 0 ? 'no arguments' : `exactly ${entry.args.length} argument(s) (${JSON.stringify(entry.args)})`}, not ${args.length}`;
  }
  const bad = args.findIndex((a, i) => !argMatches(a, entry.args[i]!));
  if (bad >= 0) return `argument ${bad} (${JSON.stringify(args[bad])}) does not match ${JSON.stringify(entry.args[bad])}`;
  const env = Object.keys(inv.env ?? {}).filter((k) => !nameMatches(k, entry.env));
  if (env.length > 0) return `environment variable(s) ${env.join(', ')} are not among those it may set (${JSON.stringify(entry.env)})`;
  return undefined;
}

/** `dir` lies in `root` (both absolute). */
const inside = (dir: string, root: string) => dir === root || dir.startsWith(root.endsWith('/') ? root : `${root}/`);

/**
 * Refuses (with `McpSafetyError`, a message saying how to allow it) a stdio
 * registration unless an entry of `security.stdioCommandAllowlist` names its
 * command, every argument matches that entry's pattern at its position (the
 * same count), every environment variable is one the entry lets it set and
 * none is a loader/interpreter variable, and its `cwd` lies in
 * `security.stdioCwdRoot` (`resolveLinks`: compared after resolving
 * symbolic links, on the machine that spawns).
 */
export function assertStdioInvocationAllowed(inv: StdioInvocation, security: Security, opts: { resolveLinks?: boolean } = {}): void {
  const denied = Object.keys(inv.env ?? {}).filter(isDeniedRuntimeEnv);
  if (denied.length > 0) {
    throw new McpSafetyError(`environment variable ${denied.join(', ')} is not allowed for runtime-registered stdio servers (loader or interpreter variable)`);
  }
  if (inv.cwd !== undefined) checkCwd(inv.cwd, security.stdioCwdRoot, opts.resolveLinks ?? false);
  const entries = security.stdioCommandAllowlist.map(normalizeStdioEntry).filter((e) => e.command === inv.command);
  if (entries.length === 0) {
    throw new McpSafetyError(
      `stdio command "${inv.command}" is not allowed for MCP servers registered at runtime; to allow it, add ` +
        `{"command": "${inv.command}", "args": [<one pattern per argument>], "env": [<variable names>]} to security.stdioCommandAllowlist in hub.config.json`,
    );
  }
  const reasons: string[] = [];
  for (const entry of entries) {
    const reason = entryAllows(entry, inv);
    if (reason === undefined) return;
    reasons.push(reason);
  }
  throw new McpSafetyError(
    `stdio invocation of "${inv.command}" is not allowed: no security.stdioCommandAllowlist entry for it matches ` +
      `(${reasons.map((r, i) => (entries.length > 1 ? `entry ${i + 1} ${r}` : `the entry ${r}`)).join('; ')})`,
  );
}

function checkCwd(cwd: string, root: string | undefined, resolveLinks: boolean): void {
  if (root === undefined) throw new McpSafetyError('cwd is not allowed for runtime-registered stdio servers (security.stdioCwdRoot is not set)');
  if (!isNormalAbsolutePath(cwd)) throw new McpSafetyError(`cwd "${cwd}" must be an absolute path without "." or ".." segments`);
  if (!inside(cwd, root)) throw new McpSafetyError(`cwd "${cwd}" is outside security.stdioCwdRoot ("${root}")`);
  if (!resolveLinks) return;
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(cwd);
    realRoot = realpathSync(root);
  } catch (err) {
    throw new McpSafetyError(`cwd "${cwd}" cannot be resolved: ${(err as Error).message}`);
  }
  if (!inside(real, realRoot)) throw new McpSafetyError(`cwd "${cwd}" leads outside security.stdioCwdRoot ("${root}") through a symbolic link`);
}
