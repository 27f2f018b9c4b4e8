/**
 * TEST FIXTURE — a responder for the scripted LLM server that plays the three
 * roles of a research job deterministically, driven by markers in the
 * research question:
 *
 * - planner (requests with `response_format`): `Part i of: <question>` for
 *   i = 1…n, where n is the `at most N` of the prompt, or `plan=<k>` in the
 *   question (more than maxAgents, to test capping); `bad-plan=<k>` answers
 *   the first k attempts with an invalid plan;
 * - sub-agent (prompt starts `Overall research question:`): `Finding for part i.`;
 *   `fail=<i,j,…>` makes those parts fail with HTTP 400 (non-retryable),
 *   `hang=<i,j,…|all>` makes them never answer (until cancelled),
 *   `tokens=<n>` reports n total tokens per agent answer, `calc` makes each
 *   agent call the `calculator` tool once before answering;
 * - synthesizer (prompt lists `Findings of`): a report citing [1] and [2].
 *
 * Anything else gets the echo answer.
 */
import { echoReply, lastUserMessage } from './scripted-llm/responders';
import type { RecordedRequest, Responder, ScriptStep } from './scripted-llm/script';

function marker(text: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}=([\\w,]+)`).exec(text)?.[1];
}
const listHas = (list: string | undefined, part: number): boolean =>
  list !== undefined && (list === 'all' || list.split(',').map(Number).includes(part));

/** The question the job was asked (in the planner's, agents' and synthesizer's prompts). */
function questionOf(prompt: string): string {
  return /^(?:Overall research question|Research question): (.*)$/m.exec(prompt)?.[1] ?? prompt;
}

export const researchResponder: Responder = (req: RecordedRequest): ScriptStep => {
  const prompt = lastUserMessage(req);
  const question = questionOf(prompt);
  if (req.body?.response_format !== undefined) {
    // The planner's first message carries the question; later ones are re-asks.
    const first = String((req.body.messages ?? []).find((m) => m.role === 'user')?.content ?? '');
    const planned = questionOf(first);
    const attempts = (req.body.messages ?? []).filter((m) => m.role === 'assistant').length;
    if (attempts < Number(marker(planned, 'bad-plan') ?? 0)) return { json: { subQuestions: 'not a list' } };
    const n = Number(marker(planned, 'plan') ?? /at most (\d+)/.exec(first)?.[1] ?? 3);
    return {
      json: { subQuestions: Array.from({ length: n }, (_, i) => ({ question: `Part ${i + 1} of: ${planned}`, focus: `aspect ${i + 1}` })) },
    };
  }
  if (prompt.startsWith('Overall research question:')) {
    const part = Number(/Part (\d+) of:/.exec(prompt)?.[1] ?? 0);
    if (listHas(marker(question, 'fail'), part)) return { error: { status: 400, message: `injected failure of part ${part}` } };
    if (listHas(marker(question, 'hang'), part)) return { hang: true };
    const toolResults = (req.body?.messages ?? []).filter((m) => m.role === 'tool').length;
    if (/(?:^|\s)calc(?:\s|$)/.test(question) && toolResults === 0) {
      return { toolCalls: [{ name: 'calculator', arguments: { expression: `${part} * 10` } }] };
    }
    const tokens = marker(question, 'tokens');
    return { reply: `Finding for part ${part}.`, ...(tokens ? { usage: { promptTokens: 0, completionTokens: Number(tokens) } } : {}) };
  }
  if (/^Findings of \d+ research agents/m.test(prompt)) {
    return { reply: `Report on: ${question}. The parts agree [1] and add detail [2].` };
  }
  return { reply: echoReply(req) };
};
