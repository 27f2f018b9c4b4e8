/**
 * TEST FIXTURE — reading a recorded chat request, and the default responder of the scripted LLM server
 * (a deterministic echo). Other responders (e.g. research-responder.ts) are built from these.
 */
import type { RecordedRequest, Responder } from './script';

/** The text of a message's content: a string, or its text parts joined with spaces. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join(' ');
  }
  return '';
}

/** Last user message's text ('' if none). */
export function lastUserMessage(req: RecordedRequest): string {
  const msgs = req.body?.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m?.role === 'user') return textOf(m.content);
  }
  return '';
}

/** The default deterministic reply: `You said: <last user message>`. */
export function echoReply(req: RecordedRequest): string {
  return `You said: ${lastUserMessage(req)}`;
}

/** Default responder (see `echoReply`). */
export const echoResponder: Responder = (req) => ({ reply: echoReply(req) });
