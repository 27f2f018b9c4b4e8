export { createLlmActivities, idempotencyKeyFor, type LlmActivityDeps, type LlmActivities, type UnavailableToolServer } from './activities';
export { DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_RESULT_BYTES, DEFAULT_MAX_TOKENS, capText, truncationMarker } from './reply-limits';
export { classifyLlmError, parseRetryAfterMs, MAX_RETRY_AFTER_MS } from './classify';
export { DeltaCoalescer } from './coalescer';
export { toOpenAIMessages, toOpenAITools } from './openai-mapping';
export { renderTranscript, SUMMARY_SYSTEM_PROMPT } from './summary-prompt';
export { createModelRouter, DEFAULT_COOLDOWN_MS, type ModelCandidate, type ModelRouter, type ModelRouterOptions } from './router';
export { createSharedCooldowns, type CooldownClient, type SharedCooldowns, type SharedCooldownsOptions } from './shared-cooldown';
export { createBudgetMeter, type BudgetMeterOptions, type LlmMeter, type MeteredCall, type MeterTicket } from './budget-meter';
