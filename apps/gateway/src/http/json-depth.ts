/**
 * A nesting limit for JSON request bodies: `{"args": [[[[…100 000 levels…]]]]}` parses, but
 * then overflows the stack of every recursive walk of it (zod, `JSON.stringify` in a refinement,
 * Temporal's payload converter) and answered 500. The body's text is scanned (iteratively, strings
 * and escapes skipped) before the routes parse it: deeper than {@link MAX_JSON_DEPTH} is 400.
 * /mcp is left to the MCP transport, which reads the raw request itself.
 */
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from './env';
import { ApiError } from './errors';

export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in `text` (0 for a scalar); stops counting past `stopAt`. */
export function jsonDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max) max = depth;
      if (max > stopAt) return max;
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return max;
}

export function limitJsonDepth(opts: { max?: number; skip?: (path: string) => boolean } = {}): MiddlewareHandler<GatewayEnv> {
  const max = opts.max ?? MAX_JSON_DEPTH;
  return async (c, next) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || type === undefined || !/^application\/(.+\+)?json$/.test(type) || opts.skip?.(c.req.path)) {
      return next();
    }
    // c.req.text() is cached: the routes' validators parse the same text afterwards.
    if (jsonDepth(await c.req.text(), max) > max) {
      throw new ApiError(400, 'invalid_request', `request body is nested deeper than ${max} levels`, { maxDepth: max });
    }
    return next();
  };
}
