/**
 * TEST FIXTURE — a scripted, OpenAI-compatible chat-completions server.
 *
 * Not for production use. It lets tests (unit, e2e, benchmarks) run the whole
 * hub against a deterministic "LLM" over real HTTP:
 *
 *   const llm = await startScriptedLlmServer();
 *   process.env.OPENAI_BASE_URL = llm.url;                 // http://127.0.0.1:PORT/v1
 *   llm.script({ reply: 'Hello there' }, { toolCalls: [{ name: 'search', arguments: { q: 'x' } }] });
 *   ... run code under test ...
 *   expect(llm.requests[0]?.headers['idempotency-key']).toBeDefined();
 *   await llm.close();
 *
 * Endpoints: `POST /v1/chat/completions` (streaming SSE with `data: [DONE]`, or
 * plain JSON) and `GET /v1/models`. Each chat request takes the next scripted
 * step from the queue; when the queue is empty the responder decides (default:
 * a deterministic echo, `You said: <last user message>`).
 *
 * Standalone: `node --import tsx infra/testing/src/scripted-llm-server.ts [--port 9999] [--instant]`
 * serves the default echo responder and prints its base URL (one line, ending
 * in /v1) on stdout; stops on SIGINT/SIGTERM.
 *
 * This file is the fixture's entry point; the pieces are in scripted-llm/: script.ts
 * (the types), responders.ts (the echo responder), answer.ts (a step's answer in the
 * shared OpenAI wire format, @hub/runtime/openai-wire), server.ts (HTTP) and team.ts
 * (a responder that answers each agent of a team from its own script).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScriptedLlmServer } from './scripted-llm/server';

// The fixture's public API (`@hub/testing/scripted-llm-server`).
export type {
  ChatRequestBody,
  RecordedRequest,
  Responder,
  ScriptStep,
  ScriptedLlmServer,
  ScriptedLlmServerOptions,
  ScriptedToolCall,
} from './scripted-llm/script';
export { echoReply, echoResponder, lastUserMessage } from './scripted-llm/responders';
export { splitWords } from './scripted-llm/answer';
// Scripting a team of agents (per-agent scripts, handoff / delegate / parallel steps, call spans).
export type {
  AgentScript,
  CallSpan,
  TeamCall,
  TeamRequestInfo,
  TeamResponder,
  TeamResponderOptions,
  TeamStep,
  TeamStepFn,
  ToolCallStep,
} from './scripted-llm/team';
export {
  agentTagOf,
  delegate,
  handoff,
  offeredToolNames,
  parallel,
  peakConcurrency,
  reply,
  roundOf,
  spansOverlap,
  systemPromptOf,
  teamResponder,
  toolCall,
  toolResultsOf,
} from './scripted-llm/team';
export { startScriptedLlmServer };

// ---------------------------------------------------------------------------
// Standalone mode
// ---------------------------------------------------------------------------

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const portIdx = args.indexOf('--port');
  const port = portIdx >= 0 ? Number(args[portIdx + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`scripted-llm-server: invalid --port ${args[portIdx + 1] ?? ''}\n`);
    process.exit(2);
  }
  const srv = await startScriptedLlmServer({ port, instant: args.includes('--instant') });
  process.stdout.write(`${srv.url}\n`);
  const stop = () => {
    void srv.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
