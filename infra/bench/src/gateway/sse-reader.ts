/**
 * One SSE client of the gateway suite, over Node's http (a shared http.Agent): it parses the frames
 * cheaply (no JSON.parse: the words the suite's scripted LLM sends and an embedded publish time are found
 * with regular expressions) and records, per event, its id and the moment it arrived
 * (`performance.timeOrigin + performance.now()`, a high-resolution epoch comparable across processes once
 * the clock offsets are calibrated, see child.ts).
 */
import { request, type Agent, type ClientRequest, type IncomingMessage } from 'node:http';

/** Words of the suite's scripted replies (`q<session>_<turn>_<i>`) and of the bare baseline (`b<session>_<n>`). */
export const WORD_RE = /\b[qb]\d+_\d+(?:_\d+)?\b/g;
/** The publish time the bare baseline server embeds in each event (`"pt":<epoch ms>`). */
const PUBLISHED_RE = /"pt":([\d.]+)/;

export const now = (): number => performance.timeOrigin + performance.now();

export interface SseTarget {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  agent: Agent;
}

export class SseReader {
  /** Ids of the events received, in order, and when each arrived. */
  readonly offsets: number[] = [];
  readonly times: number[] = [];
  /** Each word received: its first arrival. */
  readonly words = new Map<string, number>();
  /** Events that carried an embedded publish time (bare baseline): receipt − publish, in the sender's clocks. */
  readonly embeddedLags: number[] = [];
  /** When each of `embeddedLags` arrived. */
  readonly embeddedAt: number[] = [];
  /** Ids that arrived twice or out of order. */
  disordered = 0;
  status = 0;
  /** Time of the first 200 response minus the time of the first request (retries included). */
  connectMs = NaN;
  /** 'open' while streaming; 'failed' when it never connected; 'closed' by the bench. */
  state: 'connecting' | 'open' | 'failed' | 'closed' = 'connecting';
  /** Why each attempt that was refused or ended failed (e.g. `HTTP 503 temporal_unavailable`, `stream.error …`). */
  readonly problems: string[] = [];
  /** Why each stream that had been streaming ended or broke (it is reopened with Last-Event-ID). */
  readonly breaks: string[] = [];
  private req: ClientRequest | undefined;
  private buf = '';
  private target: SseTarget | undefined;

  constructor(
    readonly session: number,
    /** Clock offset (sender − this process) applied to embedded publish times. */
    private readonly senderOffsetMs = 0,
  ) {}

  /**
   * Connects like an EventSource that a page retries: refused or failed attempts are retried 500 ms later
   * until `timeoutMs`; once streaming, a stream that ends or breaks is reopened with `Last-Event-ID`
   * (its reason in `breaks`). Resolves on the first 200 (or when giving up).
   */
  connect(t: SseTarget, timeoutMs: number): Promise<void> {
    this.target = t;
    const t0 = now();
    const deadline = t0 + timeoutMs;
    return new Promise((resolve) => {
      const attempt = () => {
        if (this.state === 'closed') return resolve();
        this.open((ok) => {
          if (ok) {
            this.connectMs = now() - t0;
            this.state = 'open';
            return resolve();
          }
          if (now() > deadline) {
            this.state = 'failed';
            return resolve();
          }
          setTimeout(attempt, 500);
        }, deadline - now());
      };
      attempt();
    });
  }

  /** One request; `onHead(true)` on a 200, `onHead(false)` when refused or failed before one. */
  private open(onHead: (ok: boolean) => void, timeoutMs: number): void {
    const t = this.target!;
    const last = this.offsets[this.offsets.length - 1];
    const headers: Record<string, string> = { accept: 'text/event-stream', ...t.headers, ...(last !== undefined ? { 'last-event-id': String(last) } : {}) };
    let headed = false;
    const req = request({ host: t.host, port: t.port, path: t.path, headers, agent: t.agent });
    this.req = req;
    const timer = setTimeout(() => req.destroy(new Error('connect timeout')), Math.max(1, timeoutMs));
    const broken = (why: string) => {
      clearTimeout(timer);
      if (this.state === 'closed') return;
      if (!headed) {
        headed = true;
        this.problems.push(why);
        onHead(false);
      } else if (this.state === 'open') {
        this.breaks.push(why);
        this.reopen();
      }
    };
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      if (this.status !== 200) {
        let body = '';
        res.on('data', (c: string) => (body += c));
        res.on('end', () => broken(`HTTP ${this.status} ${/"code":"([\w.-]+)"/.exec(body)?.[1] ?? ''}`.trim()));
        return;
      }
      headed = true;
      this.buf = '';
      this.endedWith = undefined;
      onHead(true);
      res.on('data', (chunk: string) => this.onData(chunk));
      res.on('end', () => broken(this.endedWith ?? 'stream ended'));
      res.on('error', (err) => broken(err.message));
    });
    req.on('error', (err) => broken(err.message));
    req.end();
  }

  /** Reopens a broken stream after 500 ms (again until it streams, or the bench closes it). */
  private reopen(): void {
    setTimeout(() => {
      if (this.state === 'open') this.open((ok) => ok || this.reopen(), 30_000);
    }, 500);
  }

  /** The gateway's last message without id (`stream.end` / `stream.error` and its data). */
  private endedWith: string | undefined;

  close(): void {
    this.state = 'closed';
    this.req?.destroy();
  }

  private onData(chunk: string): void {
    const t = now();
    this.buf += chunk;
    let end = this.buf.indexOf('\n\n');
    while (end >= 0) {
      this.onFrame(this.buf.slice(0, end), t);
      this.buf = this.buf.slice(end + 2);
      end = this.buf.indexOf('\n\n');
    }
  }

  private onFrame(frame: string, t: number): void {
    if (frame.startsWith(':')) return; // comment (ping, stream start)
    const idAt = frame.startsWith('id: ') ? 0 : frame.lastIndexOf('\nid: ') + 1;
    if (idAt <= 0 && !frame.startsWith('id: ')) {
      // Gateway messages without id: stream.end, stream.error, stream.truncated.
      this.endedWith = frame.replace(/\n/g, ' ').slice(0, 200);
      return;
    }
    const nl = frame.indexOf('\n', idAt + 4);
    const id = Number(frame.slice(idAt + 4, nl < 0 ? undefined : nl));
    const last = this.offsets[this.offsets.length - 1];
    if (last !== undefined && id <= last) {
      this.disordered++;
      return;
    }
    this.offsets.push(id);
    this.times.push(t);
    for (const m of frame.matchAll(WORD_RE)) if (!this.words.has(m[0])) this.words.set(m[0], t);
    const pt = PUBLISHED_RE.exec(frame);
    if (pt) {
      this.embeddedLags.push(t - (Number(pt[1]) - this.senderOffsetMs));
      this.embeddedAt.push(t);
    }
  }
}
