/** Schemas of `providers` and `models` of hub.config.json and of a model route (checked against `./wire`). */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import { MAX_MODEL_ROUTE } from './wire';
import type { ModelConfig, ModelFallback, ModelPrice, ModelRoute, ModelServed, ProviderConfig } from './wire';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ModelIdSchema = z.string().min(1).max(200);

/** One model (alias or provider model id), or aliases in the order they are tried when one fails. */
export const ModelRouteSchema = z
  .union([
    ModelIdSchema,
    z
      .array(ModelIdSchema)
      .min(1)
      .max(MAX_MODEL_ROUTE)
      .refine((l) => new Set(l).size === l.length, { message: 'model names an alias twice' }),
  ])
  .describe('Model alias (hub.config.json `models`) or provider model id; or a list of aliases tried in order on retryable errors');

export const ProviderConfigSchema = z
  .object({
    baseURL: z.url({ protocol: /^https?$/, error: 'baseURL must be an http(s) URL' }).describe('OpenAI-compatible API base URL'),
    apiKeyEnv: z.string().regex(ENV_RE, 'apiKeyEnv must be an environment variable name (the key itself never goes in the file)').optional(),
    headers: z.record(z.string().min(1).max(200), z.string().max(4_000)).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional(),
    maxConcurrent: z.number().int().positive().max(10_000).optional(),
    cooldownMs: z.number().int().nonnegative().max(3_600_000).optional(),
  })
  .strict();

export const ModelPriceSchema = z
  .object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() })
  .strict()
  .describe('US dollars per million input / output tokens');

export const ModelConfigSchema = z
  .object({
    provider: z.string().regex(NAME_RE),
    model: ModelIdSchema,
    contextWindow: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    price: ModelPriceSchema.optional(),
  })
  .strict();

export const ProvidersConfigSchema = z.record(z.string().regex(NAME_RE, 'provider names are letters, digits, ".", "_" or "-"'), ProviderConfigSchema);
export const ModelsConfigSchema = z.record(z.string().regex(NAME_RE, 'model aliases are letters, digits, ".", "_" or "-"'), ModelConfigSchema);

export const ModelServedSchema = z.object({ alias: z.string(), provider: z.string(), model: z.string() });
export const ModelFallbackSchema = z.object({ from: z.string(), provider: z.string(), reason: z.string() });

type _Proofs = [
  Expect<Same<z.infer<typeof ProviderConfigSchema>, ProviderConfig>>,
  Expect<Same<z.infer<typeof ModelPriceSchema>, ModelPrice>>,
  Expect<Same<z.infer<typeof ModelConfigSchema>, ModelConfig>>,
  Expect<Same<z.infer<typeof ModelRouteSchema>, ModelRoute>>,
  Expect<Same<z.infer<typeof ModelServedSchema>, ModelServed>>,
  Expect<Same<z.infer<typeof ModelFallbackSchema>, ModelFallback>>,
];
