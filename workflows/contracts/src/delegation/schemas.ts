/** Schemas of the delegation shapes declared in `./wire` (checked against them below). */
import { z } from 'zod';
import { AgentProfileSchema, TokenUsageSchema } from '../agent/schemas';
import type { Expect, Same } from '../common/schemas';
import type { DelegationInput, DelegationResult } from './wire';

export const DelegationInputSchema = z.object({
  rootWorkflowId: z.string(),
  parentWorkflowId: z.string(),
  sessionId: z.string(),
  tenant: z.string(),
  delegationId: z.string(),
  parentDelegationId: z.string().optional(),
  turnId: z.string(),
  toolCallId: z.string(),
  agent: AgentProfileSchema,
  team: z.array(AgentProfileSchema),
  path: z.array(z.string()),
  depth: z.number().int().positive(),
  maxDepth: z.number().int().positive(),
  task: z.string(),
  toolAllowlist: z.array(z.string()).optional(),
  approvalTimeoutMs: z.number().int().positive(),
  waitForBudget: z.boolean().optional(),
});

export const DelegationResultSchema = z.object({
  ok: z.boolean(),
  reply: z.string(),
  error: z.string().optional(),
  usage: TokenUsageSchema,
  structured: z.unknown().optional(),
});

type _Proofs = [
  Expect<Same<z.infer<typeof DelegationInputSchema>, DelegationInput>>,
  Expect<Same<z.infer<typeof DelegationResultSchema>, DelegationResult>>,
];
