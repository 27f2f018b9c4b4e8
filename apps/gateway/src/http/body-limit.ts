/** The request body limit of every route (REST and /mcp): 413 `payload_too_large`, with or without Content-Length. */
import { LIMITS } from '@hub/contracts';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { GatewayEnv } from './env';
import { ApiError } from './errors';

export function limitBody(maxSize: number = LIMITS.maxBodyBytes): MiddlewareHandler<GatewayEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body exceeds ${maxSize} bytes`);
    },
  });
}
