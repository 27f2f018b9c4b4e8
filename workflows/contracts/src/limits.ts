import { DEFAULT_TASK_QUEUE } from './common/wire';

/** Limits shared by the gateway, the workflows and the activities. */
export const LIMITS = {
  /** Longest user message accepted (characters). */
  maxMessageChars: 32_000,
  /** Largest request body the gateway accepts (bytes). */
  maxBodyBytes: 256 * 1024,
  /** Largest tool result handed back to the model (characters); longer ones are truncated with a note. */
  maxToolResultChars: 16_000,
  /** Serialized conversation above this size is compacted (summarised) on continue-as-new (characters). */
  maxCarriedChars: 200_000,
  /** Messages kept verbatim when the conversation is compacted. */
  keepRecentMessages: 20,
  /** Stream events kept after a turn ends, for clients that reconnect (older ones are truncated). */
  streamRetainEvents: 2_000,
} as const;

export const DEFAULTS = {
  taskQueue: DEFAULT_TASK_QUEUE,
  idleTimeoutMs: 24 * 60 * 60 * 1000,
  approvalTimeoutMs: 15 * 60 * 1000,
  maxTurnsPerRun: 50,
  agent: 'assistant',
} as const;
