/** The job's state as a query answer or result: within Temporal's payload limit. Pure. */
import { RESEARCH_LIMITS } from '@hub/contracts/research/wire';
import type { ResearchState } from '@hub/contracts';
import { cut } from './agent';

/**
 * The job's state within Temporal's payload limit (a query answer or the result is one payload): with
 * many agents, questions, answers and lists are cut, cited findings first, and what is left out is counted.
 */
export function fitPayload(st: ResearchState): ResearchState {
  const n = st.agents.length;
  const questionMax = n <= 100 ? 2_000 : n <= 1_000 ? 300 : 32;
  // Above 1,000 agents a question is only a hint (the full ones are in the `research.planned` event and the
  // findings): cut without the marker, which would be longer than what is kept.
  const short = (q: string): string => (n <= 1_000 ? cut(q, questionMax) : q.length <= questionMax ? q : `${q.slice(0, questionMax)}…`);
  const agents =
    n <= 100 ? st.agents : st.agents.map((a) => ({ ...a, question: short(a.question), ...(a.error ? { error: cut(a.error, n <= 1_000 ? 300 : 120) } : {}) }));
  const r = st.result;
  if (!r) return { ...st, agents };
  const max = RESEARCH_LIMITS.stateMaxListed;
  const answerMax = Math.min(RESEARCH_LIMITS.maxFindingChars, Math.max(100, Math.floor(RESEARCH_LIMITS.stateFindingsChars / Math.max(1, r.findings.length))));
  const cited = new Set(r.citations.map((c) => c.agent));
  const ordered = [...r.findings.filter((f) => cited.has(f.index)), ...r.findings.filter((f) => !cited.has(f.index))].slice(0, max);
  const findings = ordered
    .sort((a, b) => a.index - b.index)
    .map((f) => ({
      ...f,
      ...(f.answer !== undefined ? { answer: cut(f.answer, answerMax) } : {}),
      toolCalls: f.toolCalls.slice(0, 20),
      sources: f.sources.slice(0, 20),
    }));
  const failures = r.failures.slice(0, max).map((f) => ({ ...f, reason: cut(f.reason, 300) }));
  return {
    ...st,
    agents,
    result: {
      ...r,
      findings,
      failures,
      ...((r.findingsOmitted ?? 0) + r.findings.length - findings.length > 0 ? { findingsOmitted: (r.findingsOmitted ?? 0) + r.findings.length - findings.length } : {}),
      ...(r.failures.length > failures.length ? { failuresOmitted: r.failures.length - failures.length } : {}),
    },
  };
}
