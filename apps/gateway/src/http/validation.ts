/** The validation hook of every router: zod failures become 400 `invalid_request`, naming each offending field. */
import type { Hook } from '@hono/zod-openapi';
import { formatIssues, issuePath } from '@hub/contracts';
import type { GatewayEnv } from './env';

export const validationHook: Hook<unknown, GatewayEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const where = result.target === 'json' ? 'body' : result.target;
  const issues = result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message, code: i.code }));
  return c.json(
    {
      error: {
        code: 'invalid_request' as const,
        message: `invalid request ${where}: ${formatIssues(result.error.issues)}`,
        details: { target: where, issues },
      },
    },
    400,
  );
};
