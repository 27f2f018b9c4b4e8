import { z } from 'zod';
import { formatIssues, type ToolResult, type ToolSpec } from '@hub/contracts';
import { ToolInputError, UnknownToolError } from '../errors';
import type { ToolContext, ToolProvider } from '../types';

/** A tool implemented in this process. */
export interface BuiltinTool<S extends z.ZodType = z.ZodType> {
  /** Must match `^[a-zA-Z0-9_-]{1,64}$` (the contract's `ToolSpec.name`). */
  readonly name: string;
  /** Shown to the model: say what the tool does and when to use it. */
  readonly description: string;
  /** Validates the arguments; its JSON Schema (input side) is what the model sees. */
  readonly input: S;
  /** The workflow asks a human before running it. */
  readonly requiresApproval: boolean;
  /**
   * Runs the tool with validated arguments. A string result means
   * `{ ok: true, content }`. Throw `ToolError` for failures the model should
   * see; other errors fail the activity attempt (Temporal retries).
   */
  handler(args: z.output<S>, ctx: ToolContext): Promise<string | ToolResult>;
}

/** Identity helper that infers the handler's argument type from `input`. */
export function defineTool<S extends z.ZodType>(tool: BuiltinTool<S>): BuiltinTool<S> {
  return tool;
}

/** The arguments' JSON Schema as the model gets it (input side, no `$schema` key). */
export function parametersSchema(input: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return schema;
}

export function toToolSpec(tool: BuiltinTool): ToolSpec {
  return {
    name: tool.name,
    description: tool.description,
    parameters: parametersSchema(tool.input),
    requiresApproval: tool.requiresApproval,
  };
}

/** Serves a fixed set of `BuiltinTool`s. */
export class BuiltinToolProvider implements ToolProvider {
  readonly id = 'builtin';
  readonly #tools = new Map<string, BuiltinTool>();
  readonly #specs: ToolSpec[];

  constructor(tools: readonly BuiltinTool[]) {
    for (const t of tools) {
      if (this.#tools.has(t.name)) throw new Error(`Duplicate built-in tool name: ${t.name}`);
      this.#tools.set(t.name, t);
    }
    this.#specs = tools.map(toToolSpec);
  }

  async listTools(): Promise<ToolSpec[]> {
    return this.#specs.map((s) => ({ ...s }));
  }

  async call(name: string, args: unknown, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.#tools.get(name);
    if (!tool) throw new UnknownToolError(name);
    const parsed = await tool.input.safeParseAsync(args);
    if (!parsed.success) throw new ToolInputError(name, formatIssues(parsed.error.issues, ''));
    const out = await tool.handler(parsed.data, ctx);
    return typeof out === 'string' ? { ok: true, content: out } : out;
  }
}
