export { PROFILES, DEFAULT_PROFILE_NAME, getProfile, listProfiles, BUILTIN_AGENTS, buildDefinitions } from './profiles';
export {
  DEFAULT_MODEL,
  DEFAULT_LLM_TIMEOUT_MS,
  PLACEHOLDER_API_KEY,
  OPENAI_DEFAULT_BASE_URL,
  loadLlmConfig,
  createOpenAIClient,
  type LlmConfig,
} from './llm-config';
export {
  createLlmActivities,
  classifyLlmError,
  parseRetryAfterMs,
  idempotencyKeyFor,
  toOpenAIMessages,
  toOpenAITools,
  renderTranscript,
  DeltaCoalescer,
  MAX_RETRY_AFTER_MS,
  SUMMARY_SYSTEM_PROMPT,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_REPLY_BYTES,
  DEFAULT_MAX_RESULT_BYTES,
  createModelRouter,
  createBudgetMeter,
  type BudgetMeterOptions,
  type LlmMeter,
  DEFAULT_COOLDOWN_MS,
  type ModelRouter,
  type ModelRouterOptions,
  type LlmActivityDeps,
  type LlmActivities,
  type UnavailableToolServer,
} from './llm';
export {
  createRemoteAgentActivities,
  RemoteAgentError,
  fetchRemoteAgentCard,
  summarizeCard,
  type RemoteAgentActivityDeps,
  type CardFetchOptions,
} from './a2a';
export { createResearchActivities, RETRYABLE_FOR_MS, type ResearchActivityDeps } from './research/batch';
