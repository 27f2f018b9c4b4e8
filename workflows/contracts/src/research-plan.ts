/**
 * The plan a research job's planner returns (structured output), validated
 * with zod inside the job workflow.
 */
import { z } from 'zod';

export const ResearchPlanSchema = z
  .object({
    subQuestions: z
      .array(
        z
          .object({
            question: z.string().min(1).max(2_000).describe('A self-contained question one agent can research'),
            focus: z.string().max(500).describe('What this part contributes to the whole answer'),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type ResearchPlan = z.infer<typeof ResearchPlanSchema>;

/**
 * JSON Schema of the plan, for `response_format: {type: 'json_schema'}`. Computed on first use: module
 * scope runs again for every workflow run, and most runs (sessions, agents) never need it.
 */
export function researchPlanJsonSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ResearchPlanSchema) as Record<string, unknown>;
  return schema;
}

