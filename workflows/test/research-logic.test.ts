/** Pure parts of research jobs: plan validation, synthesis input, citations, bookkeeping, provenance, API body. */
import { describe, expect, it } from 'vitest';
import { CreateResearchBodySchema, researchPlanJsonSchema, parseDurationMs, type AgentFinding } from '@hub/contracts';
import { parsePlan, plannerPrompt } from '../src/research/planner';
import { citedRefs, synthesisInput } from '../src/research/synthesizer';
import { AgentBook } from '../src/research/job-state';
import { agentPrompt } from '@hub/contracts/research/wire';
import { provenanceOf } from '../src/research/agent';
import { toolPatternMatches } from '../src/research-tool';
import { fitPayload } from '../src/research/job-payload';
import { splitFindings } from '../src/research/batch';
import type { ResearchState } from '@hub/contracts';

const finding = (index: number, answer: string): AgentFinding => ({
  index,
  workflowId: `job/agent/${index}`,
  status: 'succeeded',
  answer,
  toolCalls: [],
  sources: [`https://example.org/${index}`],
  usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
});

describe('planner', () => {
  it('accepts a valid plan and names what is wrong with an invalid one', () => {
    expect(parsePlan('{"subQuestions":[{"question":"a","focus":"b"}]}')).toEqual({ ok: true, plan: { subQuestions: [{ question: 'a', focus: 'b' }] } });
    expect(parsePlan('not json')).toEqual({ ok: false, error: 'the answer is not valid JSON' });
    const bad = parsePlan('{"subQuestions":[{"question":"","focus":"x","extra":1}]}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/subQuestions\.0\.question/);
    expect(parsePlan('{"subQuestions":[]}')).toMatchObject({ ok: false });
  });

  it('asks for at most maxAgents sub-questions, with a strict JSON schema derived from the zod plan schema', () => {
    expect(plannerPrompt('Q?', 7)).toMatch(/at most 7 self-contained sub-questions/);
    expect(researchPlanJsonSchema()).toMatchObject({ type: 'object', additionalProperties: false, required: ['subQuestions'] });
    expect(researchPlanJsonSchema()).not.toHaveProperty('$schema');
  });
});

describe('synthesizer input', () => {
  it('numbers the findings and maps cited [n] markers back to agents', () => {
    const input = synthesisInput('Q?', [finding(2, 'two'), finding(5, 'five')], (i) => `sub ${i}`);
    expect(input.prompt).toContain('[1] Sub-question: sub 2\nFinding: two\nSources: https://example.org/2');
    expect(input.prompt).toContain('[2] Sub-question: sub 5');
    expect(input.omitted).toBe(0);
    expect(citedRefs('See [2], then [1] and [2] again; [9] is unknown.', input.refs)).toEqual([2, 1]);
    expect(input.refs.get(2)?.index).toBe(5);
  });

  it('keeps its input within budget for thousands of findings, saying how many were left out', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => finding(i, 'x'.repeat(1_000)));
    const input = synthesisInput('Q?', many, () => 'q');
    expect(input.prompt.length).toBeLessThan(140_000);
    expect(input.omitted).toBeGreaterThan(0);
    expect(input.refs.size + input.omitted).toBe(5_000);
    expect(input.prompt).toMatch(new RegExp(`${input.omitted} more omitted`));
  });
});

describe('agent bookkeeping', () => {
  it('keeps counts and percent in step and never changes a finished agent', () => {
    const book = new AgentBook(['a', 'b', 'c', 'd']);
    expect(book.progress()).toEqual({ total: 4, pending: 4, running: 0, succeeded: 0, failed: 0, percent: 0 });
    book.set(0, 'running');
    book.set(0, 'succeeded', { totalTokens: 5 });
    book.set(1, 'running');
    book.set(1, 'timed_out', { error: 'deadline' });
    expect(book.set(1, 'succeeded')).toBe(false);
    expect(book.agents[1]).toEqual({ index: 1, question: 'b', status: 'timed_out', error: 'deadline' });
    expect(book.progress()).toEqual({ total: 4, pending: 2, running: 0, succeeded: 1, failed: 1, percent: 50 });
  });
});

describe('agent provenance', () => {
  it('lists the tool calls with their outcome and the sources found in successful results', () => {
    const p = provenanceOf([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'fetch__fetch', arguments: '{"url":"https://example.org/x"}' },
          { id: 'b', name: 'fs__read', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'a', name: 'fetch__fetch', content: 'Page https://example.org/x. Also see https://example.com/y.' },
      { role: 'tool', toolCallId: 'b', name: 'fs__read', content: 'Error: no such file https://ignored.example' },
    ]);
    expect(p.toolCalls).toEqual([
      { tool: 'fetch__fetch', arguments: '{"url":"https://example.org/x"}', ok: true },
      { tool: 'fs__read', arguments: '{}', ok: false },
    ]);
    expect(p.sources).toEqual(['https://example.org/x', 'https://example.com/y']);
  });

  it("gives each agent the overall question and its own part", () => {
    const text = agentPrompt({ overallQuestion: 'Big Q', task: { index: 2, question: 'Small q', focus: 'why' } });
    expect(text).toMatch(/^Overall research question: Big Q\n\nYour part \(sub-question 3\): Small q\nWhy it matters: why/);
  });
});

describe('research API body and helpers', () => {
  it('applies defaults and names what is wrong', () => {
    expect(CreateResearchBodySchema.parse({ question: 'Q' })).toEqual({ question: 'Q', maxAgents: 5 });
    const bad = CreateResearchBodySchema.safeParse({ question: ' ', maxAgents: 10_001, policy: { minSuccessRatio: 2, deadline: 'soon' }, extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['question', 'maxAgents', 'policy.minSuccessRatio', 'policy.deadline']));
    expect(JSON.stringify(bad.error!.issues)).toMatch(/extra/);
  });

  it('parses deadlines and matches tool allowlist globs', () => {
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('10m')).toBe(600_000);
    expect(parseDurationMs('2h')).toBe(7_200_000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(toolPatternMatches('*', 'research')).toBe(true);
    expect(toolPatternMatches('res*', 'research')).toBe(true);
    expect(toolPatternMatches('fetch__*', 'research')).toBe(false);
    expect(toolPatternMatches('r.search', 'research')).toBe(false);
  });
});

describe('job state size', () => {
  it('keeps a 10,000-agent state within the 2 MB payload limit, cited findings first, counting what is left out', () => {
    const n = 10_000;
    const long = (i: number) => `${i} `.padEnd(2_000, 'x');
    const state: ResearchState = {
      id: 'j',
      tenant: 't',
      question: 'q',
      status: 'completed',
      maxAgents: n,
      progress: { total: n, pending: 0, running: 0, succeeded: n - 100, failed: 100, percent: 100 },
      agents: Array.from({ length: n }, (_, index) => ({ index, question: long(index), status: index < 100 ? ('failed' as const) : ('succeeded' as const), ...(index < 100 ? { error: long(index) } : {}) })),
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      budget: { exhausted: false },
      deadlinePassed: false,
      batches: 10,
      createdAt: '2026-11-23T00:00:00Z',
      result: {
        report: 'r [1]',
        citations: [{ ref: 1, agent: 9_999, question: 'q', sources: [] }],
        findings: Array.from({ length: n - 100 }, (_, i) => ({ ...finding(i + 100, 'y'.repeat(4_000)), toolCalls: [], sources: [] })),
        failures: Array.from({ length: 100 }, (_, index) => ({ index, status: 'failed' as const, reason: long(index) })),
        policy: { minSuccessRatio: 0.5, successRatio: 0.99, met: true },
        notes: [],
      },
    };
    const fitted = fitPayload(state);
    // Well under the 2 MB limit (a status poll answers this), not just under it.
    expect(JSON.stringify(fitted).length).toBeLessThan(1_200_000);
    expect(fitted.agents).toHaveLength(n);
    expect(fitted.result?.findings).toHaveLength(1_000);
    expect(fitted.result?.findingsOmitted).toBe(n - 100 - 1_000);
    expect(fitted.result?.findings.some((f) => f.index === 9_999)).toBe(true); // the cited one is kept
    expect(fitted.result?.failures).toHaveLength(100);
    // Small jobs are untouched.
    const small = { ...state, agents: state.agents.slice(0, 3), result: { ...state.result!, findings: state.result!.findings.slice(0, 3), failures: [] } };
    expect(fitPayload(small).result?.findings.map((f) => f.answer)).toEqual(small.result.findings.map((f) => f.answer));
  });
});

describe('batch results of large jobs', () => {
  it('hand back the lowest-index successes whole and every other agent as its outcome', () => {
    const failed: AgentFinding = { ...finding(1, ''), status: 'failed', error: 'boom', answer: undefined };
    const split = splitFindings([finding(7, 'g'), finding(3, 'c'), failed, finding(5, 'e'), finding(0, 'a')], 2);
    expect(split.findings.map((f) => f.index)).toEqual([0, 3]);
    expect(split.outcomes).toEqual([
      { index: 1, status: 'failed', totalTokens: finding(1, '').usage.totalTokens, error: 'boom' },
      { index: 5, status: 'succeeded', totalTokens: finding(5, 'e').usage.totalTokens },
      { index: 7, status: 'succeeded', totalTokens: finding(7, 'g').usage.totalTokens },
    ]);
  });

  it('the state counts the successes reported as outcomes as omitted findings', () => {
    const base: ResearchState = {
      id: 'j', tenant: 't', question: 'q', status: 'completed', maxAgents: 3,
      progress: { total: 3, pending: 0, running: 0, succeeded: 3, failed: 0, percent: 100 },
      agents: [0, 1, 2].map((index) => ({ index, question: 'q', status: 'succeeded' as const })),
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, budget: { exhausted: false }, deadlinePassed: false, batches: 2,
      createdAt: '2026-11-23T00:00:00Z',
      result: { report: 'r', citations: [], findings: [finding(0, 'a')], findingsOmitted: 2, failures: [], policy: { minSuccessRatio: 0.5, successRatio: 1, met: true }, notes: [] },
    };
    expect(fitPayload(base).result?.findingsOmitted).toBe(2);
  });
});
