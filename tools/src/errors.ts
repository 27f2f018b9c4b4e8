const TOOL_ERROR_BRAND = Symbol.for('@hub/tools.ToolError');

/**
 * A failure reported back to the model as `{ ok: false, content: message }`
 * instead of failing (and retrying) the activity. Use it for failures a retry
 * cannot fix: bad input, a refused operation, a domain error.
 */
export class ToolError extends Error {
  readonly [TOOL_ERROR_BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolError';
  }
}

/** The arguments do not match the tool's input schema. */
export class ToolInputError extends ToolError {
  constructor(
    readonly tool: string,
    /** What is wrong, naming the fields. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Invalid arguments for ${tool}: ${detail}`, options);
    this.name = 'ToolInputError';
  }
}

/** No provider offers a tool of this name. */
export class UnknownToolError extends ToolError {
  constructor(readonly tool: string) {
    super(`Unknown tool "${tool}"`);
    this.name = 'UnknownToolError';
  }
}

/**
 * True for `ToolError` and its subclasses, also when they come from another
 * copy of this module (checked by a global symbol brand, not `instanceof`).
 */
export function isToolError(err: unknown): err is ToolError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[TOOL_ERROR_BRAND] === true;
}

/** An error's message; anything thrown that is not an `Error`, as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
