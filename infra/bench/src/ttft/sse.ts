/** A minimal SSE reader for the ttft bench: one long-lived `GET …/events`, each event handed to the listeners. */

export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
  /** performance.now() when the frame was parsed. */
  at: number;
}

export interface SseReader {
  /** Resolves with the first event (from now on) matching `pred`, rejects after `timeoutMs`. */
  next(pred: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${url} -> ${res.status}`);
  const waiters = new Set<{ pred: (e: SseEvent) => boolean; done: (e: SseEvent) => void }>();
  const deliver = (e: SseEvent): void => {
    for (const w of waiters) {
      if (w.pred(e)) {
        waiters.delete(w);
        w.done(e);
      }
    }
  };
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (r.done) return;
      const at = performance.now();
      buf += decoder.decode(r.value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const f: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const j = line.indexOf(':');
          f[line.slice(0, j)] = line.slice(j + 1).replace(/^ /, '');
        }
        if (f.event) deliver({ ...(f.id !== undefined ? { id: f.id } : {}), event: f.event, data: f.data ? (JSON.parse(f.data) as unknown) : null, at });
      }
    }
  })();
  return {
    next: (pred, timeoutMs) =>
      new Promise<SseEvent>((resolve, reject) => {
        const w = {
          pred,
          done: (e: SseEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`no matching SSE event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      }),
    close: () => abort.abort(),
  };
}
