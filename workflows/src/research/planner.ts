/**
 * The planner of a research job: asks the LLM for a plan with structured
 * output (`response_format` json_schema), validates it with zod and re-asks a
 * bounded number of times when it is invalid.
 */
import { proxyActivities } from '@temporalio/workflow';
import { withBudget, type BudgetWaitHooks } from '../budget-wait';
import { formatIssues } from '@hub/contracts/common/wire';
import { RESEARCH_LIMITS, researchPlanSchemas } from '@hub/contracts/research/wire';
import type { AgentProfile, ChatMessage, ResearchPlan, SessionActivities, TokenUsage } from '@hub/contracts';
import { llmActivityOptions } from '../activity-options';
import { withZod } from '../validators';

const plan = withZod(researchPlanSchemas);

const llm = (activityId: string) => proxyActivities<SessionActivities>({ ...llmActivityOptions, activityId }).llmComplete;

export function plannerPrompt(question: string, maxAgents: number): string {
  return [
    `Research question: ${question}`,
    '',
    `Split it into at most ${maxAgents} self-contained sub-questions that together answer it; each will be researched by its own agent in parallel.`,
    'Prefer fewer, well-separated sub-questions over overlapping ones.',
    'Answer with only a JSON object of the form {"subQuestions": [{"question": "...", "focus": "..."}]}.',
  ].join('\n');
}

export type PlanOutcome =
  | { ok: true; plan: ResearchPlan; attempts: number }
  | { ok: false; error: string; attempts: number };

/** Validates a planner answer; the error names what is wrong, for the re-ask. */
export function parsePlan(content: string): { ok: true; plan: ResearchPlan } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, error: 'the answer is not valid JSON' };
  }
  const parsed = plan().plan.safeParse(json);
  if (parsed.success) return { ok: true, plan: parsed.data };
  // Indices as keys (`subQuestions.0.question`), as the planner's re-ask has always named them.
  return { ok: false, error: formatIssues(parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })), 'plan') };
}

/** Asks the planner for a plan (structured output); an invalid plan is re-asked, at most `plannerAttempts` times in all. */
export async function planResearch(
  profile: AgentProfile,
  question: string,
  maxAgents: number,
  onUsage: (u: TokenUsage) => void,
  budget?: BudgetWaitHooks,
): Promise<PlanOutcome> {
  const messages: ChatMessage[] = [{ role: 'user', content: plannerPrompt(question, maxAgents) }];
  let lastError = '';
  for (let attempt = 1; attempt <= RESEARCH_LIMITS.plannerAttempts; attempt++) {
    const res = await withBudget(budget, (n) => llm(n === 0 ? `plan/${attempt}` : `plan/${attempt}/budget-${n}`)({
      model: profile.model,
      agent: profile.name,
      ...(budget?.wait === false ? { budgetWait: false } : {}),
      temperature: profile.temperature,
      systemPrompt: profile.systemPrompt,
      messages,
      tools: [],
      responseFormat: { name: 'research_plan', schema: plan().jsonSchema() },
    }));
    onUsage(res.usage);
    const parsed = parsePlan(res.content);
    if (parsed.ok) return { ok: true, plan: parsed.plan, attempts: attempt };
    lastError = parsed.error;
    messages.push({ role: 'assistant', content: res.content });
    messages.push({
      role: 'user',
      content: `That plan is not valid (${parsed.error}). Answer again with only a JSON object matching the schema.`,
    });
  }
  return {
    ok: false,
    attempts: RESEARCH_LIMITS.plannerAttempts,
    error: `the planner did not return a valid plan in ${RESEARCH_LIMITS.plannerAttempts} attempts (last problem: ${lastError})`,
  };
}
