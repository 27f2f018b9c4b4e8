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
  /** Time of the response headers (connected) minus the time of the request. */
  connectMs = NaN;
  ended: 'open' | 'end' | 'error' | 'closed' = 'open';
  error: string | undefined;
  private req: ClientRequest | undefined;
  private buf = '';

  constructor(
    readonly session: number,
    /** Clock offset (sender − this process) applied to embedded publish times. */
    private readonly senderOffsetMs = 0,
  ) {}

  /** Resolves once the response headers arrived (or the request failed). */
  connect(t: SseTarget, timeoutMs: number): Promise<void> {
    const t0 = now();
    return new Promise((resolve) => {
      const req = request({ host: t.host, port: t.port, path: t.path, headers: { accept: 'text/event-stream', ...t.headers }, agent: t.agent });
      this.req = req;
      const timer = setTimeout(() => {
        this.fail('connect timeout');
        resolve();
      }, timeoutMs);
      req.on('response', (res: IncomingMessage) => {
        clearTimeout(timer);
        this.status = res.statusCode ?? 0;
        this.connectMs = now() - t0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.onData(chunk));
        res.on('end', () => {
          if (this.ended === 'open') this.ended = 'end';
        });
        res.on('error', (err) => this.fail(err.message));
        resolve();
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        this.fail(err.message);
        resolve();
      });
      req.end();
    });
  }

  private fail(why: string): void {
    if (this.ended !== 'open') return;
    this.ended = 'error';
    this.error = why;
    this.req?.destroy();
  }

  close(): void {
    if (this.ended === 'open') this.ended = 'closed';
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
    if (idAt <= 0 && !frame.startsWith('id: ')) return; // gateway messages without id (stream.end, stream.error)
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
