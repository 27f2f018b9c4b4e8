/** Every router of the gateway (the app and each resource's sub-app) is an OpenAPIHono with the same validation hook. */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { GatewayApp, GatewayEnv } from './env';
import { validationHook } from './validation';

export function createRouter(): GatewayApp {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
}

/** The security requirement of the API-key-protected routes. */
export const security = [{ bearer: [] }];

/** A required (or optional) JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T, description: string, required = true) => ({
  required,
  description,
  content: { 'application/json': { schema } },
});
