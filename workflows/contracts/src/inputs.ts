/**
 * What a user sends to a session. Kept apart from the other session schemas
 * because the session workflow validates it at runtime (its Update
 * validator), and a workflow's imports are evaluated for every workflow run.
 */
import { z } from 'zod';
import { LIMITS } from './limits';

/** Text sent by a user; the Update validator and the gateway both use this schema. */
export const MessageTextSchema = z
  .string()
  .refine((s) => s.trim().length > 0, { message: 'message text must not be empty' })
  .refine((s) => s.length <= LIMITS.maxMessageChars, {
    message: `message text must be at most ${LIMITS.maxMessageChars} characters`,
  });

export const SendMessageInputSchema = z.object({
  text: MessageTextSchema,
  /** Cancel the running turn (if any) and answer this message next. */
  interrupt: z.boolean().optional(),
});
export type SendMessageInput = z.infer<typeof SendMessageInputSchema>;
