import picomatch from 'picomatch';
import type { ToolResult, ToolSpec } from '@hub/contracts';
import { UnknownToolError } from './errors';
import type { ToolContext, ToolListContext, ToolProvider } from './types';

type Matcher = (name: string) => boolean;

const MATCHER_CACHE_MAX = 1_000;
const matcherCache = new Map<string, Matcher>();

/**
 * Options for tool-name globs. Tool names have no slashes or dots, so the
 * path-oriented options hardly matter; negation (`!x`) and extglobs
 * (`!(x)`, `@(a|b)`) are off because in an *allow*list a pattern that
 * matches "everything but x" is a foot-gun. Braces (`{a,b}`) stay on.
 */
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nonegate: true, noextglob: true };

function matcherFor(pattern: string): Matcher {
  let m = matcherCache.get(pattern);
  if (!m) {
    try {
      m = picomatch(pattern, GLOB_OPTIONS);
    } catch {
      m = () => false; // an unparsable pattern allows nothing
    }
    if (matcherCache.size >= MATCHER_CACHE_MAX) matcherCache.clear();
    matcherCache.set(pattern, m);
  }
  return m;
}

/**
 * Whether `name` is allowed by any of `patterns`: exact names or globs
 * (`*`, `server__*`, `calc?lator`, `{a,b}`). Case-sensitive. An empty list
 * allows nothing.
 */
export function matchesAllowlist(name: string, patterns: readonly string[]): boolean {
  for (const p of patterns) {
    if (p === name) return true;
    if (p.length > 0 && matcherFor(p)(name)) return true;
  }
  return false;
}

/**
 * All tools of several providers under one name space. When two providers
 * offer the same name, the one added first wins (the later one's tool is
 * hidden); providers should prefix their names (MCP: `server__tool`).
 */
export class ToolRegistry {
  readonly #providers: ToolProvider[] = [];

  constructor(providers: Iterable<ToolProvider> = []) {
    for (const p of providers) this.addProvider(p);
  }

  addProvider(provider: ToolProvider): this {
    this.#providers.push(provider);
    return this;
  }

  get providers(): readonly ToolProvider[] {
    return this.#providers;
  }

  /** Every tool of every provider, first provider first, duplicates dropped. */
  async allTools(ctx?: ToolListContext): Promise<ToolSpec[]> {
    return (await this.#index(ctx)).map((e) => e.spec);
  }

  /** The tools `allow` permits (exact names or globs); an empty `allow` gives none. */
  async listTools(allow: readonly string[], ctx?: ToolListContext): Promise<ToolSpec[]> {
    if (allow.length === 0) return [];
    return (await this.allTools(ctx)).filter((t) => matchesAllowlist(t.name, allow));
  }

  /** The tool's spec and the provider that serves it, or undefined. */
  async resolve(name: string, ctx?: ToolListContext): Promise<{ spec: ToolSpec; provider: ToolProvider } | undefined> {
    for (const provider of this.#providers) {
      const spec = (await provider.listTools(ctx)).find((t) => t.name === name);
      if (spec) return { spec, provider };
    }
    return undefined;
  }

  /**
   * The provider to run `name`: the one that lists it, else the first that
   * `claims` it (a tool of a server that is down right now), or undefined.
   */
  async providerFor(name: string, ctx?: ToolListContext): Promise<ToolProvider | undefined> {
    const found = await this.resolve(name, ctx);
    if (found) return found.provider;
    for (const provider of this.#providers) {
      if (provider.claims && (await provider.claims(name, ctx))) return provider;
    }
    return undefined;
  }

  /**
   * Runs a tool by name. `args` is the decoded JSON arguments value.
   * Throws `UnknownToolError` if no provider has it; otherwise whatever the
   * provider throws.
   */
  async call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult> {
    const provider = await this.providerFor(name, ctx.tenant !== undefined ? { tenant: ctx.tenant } : {});
    if (!provider) throw new UnknownToolError(name);
    return provider.call(name, args, ctx);
  }

  async #index(ctx?: ToolListContext): Promise<{ spec: ToolSpec; provider: ToolProvider }[]> {
    const seen = new Set<string>();
    const out: { spec: ToolSpec; provider: ToolProvider }[] = [];
    const lists = await Promise.all(this.#providers.map((p) => p.listTools(ctx)));
    lists.forEach((specs, i) => {
      const provider = this.#providers[i]!;
      for (const spec of specs) {
        if (seen.has(spec.name)) continue;
        seen.add(spec.name);
        out.push({ spec, provider });
      }
    });
    return out;
  }
}
