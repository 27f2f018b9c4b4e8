/**
 * The gateway suite's LLM side: the scripted LLM answering a bench message `q<session>_<turn>` with
 * `tokens` words `q<session>_<turn>_<i>`, streamed word by word `chunkDelayMs` apart, and the hub's real
 * worker (in this process) whose OpenAI client reads the LLM through a tap that notes when each word
 * reached it: the moment a token "left the LLM" for the delivery-lag figure (loopback, so within a
 * fraction of a millisecond of the LLM's write).
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import { lastUserMessage, startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { startBenchHubWorker } from '../hub-worker';
import { WORD_RE, now } from './sse-reader';

const MESSAGE_RE = /^q(\d+)_(\d+)$/;

export const benchMessage = (session: number, turn: number): string => `q${session}_${turn}`;

export function startBenchLlm(o: { tokens: number; chunkDelayMs: number }): Promise<ScriptedLlmServer> {
  return startScriptedLlmServer({
    responder: (rec) => {
      const text = lastUserMessage(rec).trim();
      if (!MESSAGE_RE.test(text)) return { reply: 'OK' }; // anything else the hub asks (e.g. a summary)
      const words = Array.from({ length: o.tokens }, (_, i) => `${text}_${i}`);
      return { reply: words.join(' '), chunkDelayMs: o.chunkDelayMs };
    },
  });
}

/** When each word first reached the worker, and the words of each session in order. */
export class WordClock {
  readonly at = new Map<string, number>();
  readonly bySession = new Map<number, string[]>();

  note(word: string, t: number): void {
    if (this.at.has(word)) return;
    const m = /^q(\d+)_\d+_\d+$/.exec(word);
    if (!m) return;
    this.at.set(word, t);
    const s = Number(m[1]);
    const list = this.bySession.get(s) ?? [];
    if (list.length === 0) this.bySession.set(s, list);
    list.push(word);
  }
}

/** `fetch` that hands the response on untouched and reads a copy of its body for the words in it. */
function tappedFetch(clock: WordClock): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return res;
    const [forClient, forTap] = res.body.tee();
    void (async () => {
      const reader = forTap.getReader();
      const decoder = new TextDecoder();
      let tail = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const t = now();
        const text = tail + decoder.decode(value, { stream: true });
        for (const m of text.matchAll(WORD_RE)) clock.note(m[0], t);
        tail = text.slice(-32); // a word split across two reads is matched whole in the next one
      }
    })().catch(() => undefined);
    return new Response(forClient, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** The hub's real worker (as hub-worker.ts starts it) with the tapped OpenAI client. */
export async function startTappedHubWorker(opts: {
  connection: NativeConnection;
  taskQueue: string;
  llmUrl: string;
  clock: WordClock;
}): Promise<{ worker: Worker; close(): Promise<void> }> {
  return startBenchHubWorker({ connection: opts.connection, taskQueue: opts.taskQueue, llmUrl: opts.llmUrl, model: 'bench', fetch: tappedFetch(opts.clock) });
}
