/** The `?limit=` of every list route (and of the MCP `list_sessions` tool). */
import { z } from '@hono/zod-openapi';

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 500;

/** `?limit=` of a list route ("Most <what> to return"). */
export const listQuery = (what: string) =>
  z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(LIST_LIMIT_MAX)
      .optional()
      .openapi({
        type: 'integer',
        minimum: 1,
        maximum: LIST_LIMIT_MAX,
        param: { name: 'limit', in: 'query' },
        description: `Most ${what} to return (1-${LIST_LIMIT_MAX}, default ${LIST_LIMIT_DEFAULT})`,
      }),
  });
