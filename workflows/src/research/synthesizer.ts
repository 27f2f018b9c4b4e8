/**
 * The synthesizer of a research job: writes the report from the successful
 * findings, numbered [1]…[n] so the report's citations map back to the
 * sub-agents (provenance).
 */
import { proxyActivities } from '@temporalio/workflow';
import { withBudget, type BudgetWaitHooks } from '../budget-wait';
import { RESEARCH_LIMITS } from '@hub/contracts/research/wire';
import type { AgentFinding, AgentProfile, SessionActivities, TokenUsage } from '@hub/contracts';
import { llmActivityOptions } from '../activity-options';
import { cut } from './agent';

const llm = (activityId: string) => proxyActivities<SessionActivities>({ ...llmActivityOptions, activityId }).llmComplete;

export interface SynthesisInput {
  prompt: string;
  /** [n] marker → the finding it stands for. */
  refs: Map<number, AgentFinding>;
  omitted: number;
}

/** The synthesizer's prompt: the findings, numbered [1]…[n], each cut to fit the input budget. */
export function synthesisInput(question: string, findings: AgentFinding[], questionOf: (index: number) => string): SynthesisInput {
  const perFinding = Math.max(200, Math.floor(RESEARCH_LIMITS.synthesisInputChars / Math.max(1, findings.length)));
  const fit = Math.max(1, Math.floor(RESEARCH_LIMITS.synthesisInputChars / perFinding));
  const used = findings.slice(0, fit);
  const refs = new Map<number, AgentFinding>();
  const blocks = used.map((f, i) => {
    refs.set(i + 1, f);
    const sources = f.sources.length ? `\nSources: ${f.sources.slice(0, 5).join(', ')}` : '';
    return `[${i + 1}] Sub-question: ${questionOf(f.index)}\nFinding: ${cut(f.answer ?? '', perFinding)}${sources}`;
  });
  const omitted = findings.length - used.length;
  const prompt = [
    `Research question: ${question}`,
    '',
    `Findings of ${findings.length} research agents${omitted ? ` (${omitted} more omitted for length)` : ''}:`,
    '',
    blocks.join('\n\n'),
    '',
    'Write a report that answers the research question from these findings. Cite the findings you use with their [n] markers. Say where findings disagree or evidence is missing.',
  ].join('\n');
  return { prompt, refs, omitted };
}

/** The [n] markers a report uses, in order of first use, limited to known refs. */
export function citedRefs(report: string, known: ReadonlyMap<number, unknown>): number[] {
  const seen: number[] = [];
  for (const m of report.matchAll(/\[(\d{1,5})\]/g)) {
    const n = Number(m[1]);
    if (known.has(n) && !seen.includes(n)) seen.push(n);
  }
  return seen;
}

export async function synthesize(
  profile: AgentProfile,
  input: SynthesisInput,
  onUsage: (u: TokenUsage) => void,
  budget?: BudgetWaitHooks,
): Promise<string> {
  const res = await withBudget(budget, (n) => llm(n === 0 ? 'synthesize' : `synthesize/budget-${n}`)({
    model: profile.model,
    agent: profile.name,
    ...(budget?.wait === false ? { budgetWait: false } : {}),
    temperature: profile.temperature,
    systemPrompt: profile.systemPrompt,
    messages: [{ role: 'user', content: input.prompt }],
    tools: [],
  }));
  onUsage(res.usage);
  return res.content;
}
