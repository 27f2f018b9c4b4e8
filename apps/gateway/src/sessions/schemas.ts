/**
 * HTTP request/response schemas of the session routes. Domain shapes come from
 * `@hub/contracts`; this file only adds the HTTP envelopes and OpenAPI names.
 */
import { z } from '@hono/zod-openapi';
import {
  ApprovalDecisionSchema,
  CancelTurnResultSchema,
  DEFAULTS,
  MessageTextSchema,
  PendingApprovalSchema,
  SESSION_ID_RE,
  SessionStateSchema,
  TurnResultSchema,
} from '@hub/contracts';
import { listQuery } from '../http/list-query';

/** Longest idle timeout a client may ask for (30 days). */
export const MAX_IDLE_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000;
/** Tool names or globs in a session allowlist. */
export const TOOL_PATTERN_RE = /^[a-zA-Z0-9_*.-]{1,128}$/;
export const MAX_TOOLS = 200;

export const SessionStateResponse = SessionStateSchema.meta({ id: 'SessionState' });
export const TurnResultResponse = TurnResultSchema.meta({ id: 'TurnResult' });

export const CreateSessionBody = z
  .object({
    id: z
      .string()
      .regex(SESSION_ID_RE, 'session id may contain letters, digits, _ and - (1-128 characters)')
      .optional()
      .openapi({
        description:
          'Client-chosen session id (default: derived from the Idempotency-Key, else random). A repeat with the same id and body answers the same session; another body answers 409.',
      }),
    message: MessageTextSchema.optional().openapi({ description: 'First user message; its turn result is returned as `reply`' }),
    agent: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: `Agent profile name (default "${DEFAULTS.agent}")`, example: DEFAULTS.agent }),
    tools: z
      .array(z.string().regex(TOOL_PATTERN_RE, 'tool names may contain letters, digits, _ - . and * (globs)'))
      .max(MAX_TOOLS)
      .optional()
      .openapi({ description: "Session tool allowlist (names or globs), intersected with the agent profile's tools" }),
    idleTimeoutMs: z
      .number()
      .int()
      .positive()
      .max(MAX_IDLE_TIMEOUT_MS)
      .optional()
      .openapi({ description: 'Idle time after which the session closes itself (ms)' }),
    waitForBudget: z
      .boolean()
      .optional()
      .openapi({ description: "When the tenant's spending budget is spent: turns wait (status waiting_budget) for a top-up or the next period (default), or fail at once (false)" }),
  })
  .strict()
  .openapi('CreateSessionRequest');

export const PendingTurnSchema = z
  .object({
    turnId: z.string(),
    status: z.literal('awaiting_approval'),
    approvals: z.array(PendingApprovalSchema),
  })
  .openapi('PendingTurn', {
    description:
      'The first turn waits for a tool approval: approve or deny it (POST /v1/sessions/{id}/approvals/{approvalId}) and follow /events for the reply',
  });

export const CreateSessionResponse = z
  .object({
    id: z.string(),
    session: SessionStateResponse,
    reply: TurnResultResponse.optional(),
    pendingTurn: PendingTurnSchema.optional(),
  })
  .openapi('CreateSessionResponse');

export const SessionListStatusSchema = z.enum([
  'running',
  'closed',
  'continued_as_new',
  'failed',
  'cancelled',
  'terminated',
  'timed_out',
  'unknown',
]);

export const SessionSummarySchema = z
  .object({
    id: z.string(),
    status: SessionListStatusSchema,
    agent: z.string().optional(),
    startTime: z.string().openapi({ description: 'ISO time the current run started' }),
    closeTime: z.string().optional(),
  })
  .openapi('SessionSummary');

export const ListSessionsQuery = listQuery('sessions');

export const ListSessionsResponse = z.object({ sessions: z.array(SessionSummarySchema) }).openapi('SessionList');

export const SessionIdParams = z.object({
  id: z
    .string()
    .regex(SESSION_ID_RE, 'session id may contain letters, digits, _ and -')
    .openapi({ param: { name: 'id', in: 'path' }, example: '6f1c0a8e-5f4e-4b7a-9a57-1d2e3f4a5b6c' }),
});

export const ApprovalParams = SessionIdParams.extend({
  approvalId: z
    .string()
    .min(1)
    .max(256)
    .openapi({ param: { name: 'approvalId', in: 'path' } }),
});

export const SendMessageBody = z
  .object({
    text: MessageTextSchema,
    interrupt: z.boolean().optional().openapi({ description: 'Cancel the running turn (if any) and answer this message next' }),
  })
  .strict()
  .openapi('SendMessageRequest');

export const SendMessageQuery = z.object({
  wait: z
    .enum(['true', 'false'])
    .optional()
    .openapi({
      param: { name: 'wait', in: 'query' },
      description: 'false: return 202 as soon as the session accepted the message instead of waiting for the turn',
    }),
});

export const MessageAcceptedResponse = z
  .object({ accepted: z.literal(true), sessionId: z.string() })
  .openapi('MessageAccepted');

export const ApprovalBody = ApprovalDecisionSchema.strict().openapi('ApprovalDecision');
export const ApprovalResponse = z.object({ accepted: z.literal(true) }).openapi('ApprovalAccepted');

export const TurnParams = SessionIdParams.extend({
  turnId: z
    .string()
    .regex(/^turn-[1-9][0-9]{0,9}$/, 'turn ids look like turn-7')
    .openapi({ param: { name: 'turnId', in: 'path' }, example: 'turn-3' }),
});
export const CancelTurnResponse = CancelTurnResultSchema.meta({ id: 'CancelTurnResult' });
