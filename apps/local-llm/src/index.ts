export { createLocalLlmApp, type LocalLlmAppOptions } from './app';
export { DEFAULT_LOCAL_LLM_PORT, HELP, loadLocalLlmConfig, type LocalLlmConfig } from './config';
export { createEngine, SequencePool, type ChatEngine, type EngineOptions, type EngineStats, type GenerateCallbacks, type GenerateResult } from './engine';
export { closeJsonPrefix, toGbnfSchema, UnsupportedSchemaError } from './json-schema';
export { planGeneration, toChatHistory, type GenerationMode, type GenerationPlan } from './mapping';
export { OpenAIError, parseChatRequest, type ChatCompletionRequest } from './openai';
