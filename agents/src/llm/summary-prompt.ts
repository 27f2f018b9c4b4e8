/**
 * What the summarisation request asks the model: the system prompt and the
 * user message built from the previous summary and the transcript of the new
 * messages.
 */
import type { ChatMessage, SummarizeRequest } from '@hub/contracts';

export const SUMMARY_SYSTEM_PROMPT = [
  'You maintain the running summary of a conversation between a user and an AI assistant that can call tools.',
  'Write a concise but complete summary that lets the assistant continue the conversation without the original messages:',
  "the user's goals and preferences, decisions made, important facts and tool results (names, numbers, identifiers, URLs), and open questions or pending tasks.",
  'Merge the previous summary (if any) with the new messages. Write plain prose or short bullet points; do not address the user; output only the summary.',
].join('\n');

/** Per-message cap in the summarisation transcript, to keep the request bounded. */
const SUMMARY_MESSAGE_CHARS = 4_000;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)} …[${s.length - max} more characters]`;
}

export function renderTranscript(messages: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    if (m.role === 'user') lines.push(`User: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
    else if (m.role === 'assistant') {
      if (m.error !== undefined) continue; // failed-turn notice for users, not part of the conversation
      if (m.content) lines.push(`Assistant: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
      for (const tc of m.toolCalls ?? []) lines.push(`Assistant called tool ${tc.name} with ${clip(tc.arguments, 1_000)}`);
    } else lines.push(`Tool ${m.name} returned: ${clip(m.content, SUMMARY_MESSAGE_CHARS)}`);
  }
  return lines.join('\n\n');
}

/** The user message of a summarisation request. */
export function summaryUserPrompt(req: SummarizeRequest): string {
  const parts: string[] = [];
  if (req.previousSummary) parts.push(`Previous summary:\n${req.previousSummary}`);
  parts.push(`New messages:\n${renderTranscript(req.messages) || '(none)'}`);
  parts.push('Write the updated summary now.');
  return parts.join('\n\n');
}
