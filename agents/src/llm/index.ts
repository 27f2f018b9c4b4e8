export { createLlmActivities, idempotencyKeyFor, type LlmActivityDeps, type LlmActivities } from './activities';
export { classifyLlmError, parseRetryAfterMs, MAX_RETRY_AFTER_MS } from './classify';
export { DeltaCoalescer } from './coalescer';
export { toOpenAIMessages, toOpenAITools } from './openai-mapping';
export { renderTranscript, SUMMARY_SYSTEM_PROMPT } from './summary-prompt';
