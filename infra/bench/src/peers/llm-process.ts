/**
 * The peers suite's LLM, in its own process (so no contender's CPU or RSS includes it): the repo's scripted
 * OpenAI-compatible fixture with the research responder, answering at once. It counts the requests of each
 * role and their body bytes, so the suite can show that all three built the same requests.
 * Requests: `stats` (counts since the last `stats`, then reset).
 */
import { lastUserMessage, startScriptedLlmServer, type RecordedRequest } from '@hub/testing/scripted-llm-server';
import { researchResponder } from '@hub/testing/research-responder';
import { serveChild } from './child';

export type Role = 'planner' | 'agent' | 'synthesizer' | 'other';
export type LlmStats = Record<Role, { calls: number; bytes: number }>;

const empty = (): LlmStats => ({
  planner: { calls: 0, bytes: 0 },
  agent: { calls: 0, bytes: 0 },
  synthesizer: { calls: 0, bytes: 0 },
  other: { calls: 0, bytes: 0 },
});

function roleOf(req: RecordedRequest): Role {
  if (req.body?.response_format !== undefined) return 'planner';
  const prompt = lastUserMessage(req);
  if (prompt.startsWith('Overall research question:')) return 'agent';
  if (/^Findings of \d+ research agents/m.test(prompt)) return 'synthesizer';
  return 'other';
}

serveChild<Record<string, never>, { url: string }>(async () => {
  let stats = empty();
  const llm = await startScriptedLlmServer({
    maxRecorded: 10,
    responder: (req) => {
      const s = stats[roleOf(req)];
      s.calls += 1;
      s.bytes += Number(req.headers['content-length'] ?? 0);
      return researchResponder(req);
    },
  });
  return {
    ready: { url: llm.url },
    handle: async (type) => {
      if (type !== 'stats') throw new Error(`unknown request '${type}'`);
      const out = stats;
      stats = empty();
      return out;
    },
    stop: () => llm.close(),
  };
});
