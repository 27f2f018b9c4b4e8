/**
 * The client side of the chaos scenario (chaos.ts): a gateway client that retries a request
 * whose answer it did not get (network error, per-attempt timeout, 5xx, 429) with the SAME
 * `Idempotency-Key`, as a careful real client would, and keeps the figures the scenario reports:
 * attempts, 5xx answers, network errors/timeouts, and each acknowledged request's latency with
 * the time window it spanned (to tell calm turns from turns under chaos).
 */

export interface ChaosClientOptions {
  /** The gateway's base URL; read at every attempt (a restarted gateway keeps its port). */
  baseUrl: () => string;
  /** Per-attempt timeout (default 60 s). */
  attemptTimeoutMs?: number;
  /** Give up on a request after this long in all (default 150 s). */
  requestDeadlineMs?: number;
}

export interface Acked<T> {
  status: number;
  body: T;
  attempts: number;
  startedAt: number;
  endedAt: number;
}

export interface ClientFigures {
  requests: number;
  attempts: number;
  retries: number;
  status5xx: number;
  status429: number;
  networkErrors: number;
  timeouts: number;
  /** Answers by status (every attempt). */
  byStatus: Record<string, number>;
  /** Answers other than 2xx by route and status, e.g. `POST /v1/sessions/:id/messages 504`. */
  errorsByRoute: Record<string, number>;
}

/** A path with its ids replaced by `:id` (UUID-like segments). */
const routeOf = (method: string, path: string) =>
  `${method} ${path.split('?')[0]!.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '/:id')}`;

/** A request that never got a definite answer within its deadline. */
export class UnacknowledgedError extends Error {
  constructor(
    readonly what: string,
    readonly lastError: string,
  ) {
    super(`${what} was never acknowledged: ${lastError}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosClient {
  readonly figures: ClientFigures = { requests: 0, attempts: 0, retries: 0, status5xx: 0, status429: 0, networkErrors: 0, timeouts: 0, byStatus: {}, errorsByRoute: {} };
  private readonly attemptTimeoutMs: number;
  private readonly requestDeadlineMs: number;

  constructor(private readonly opts: ChaosClientOptions) {
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 60_000;
    this.requestDeadlineMs = opts.requestDeadlineMs ?? 150_000;
  }

  /**
   * Sends the request until it gets a definite answer (2xx, or a 4xx other than 429): a retry
   * carries the same `Idempotency-Key` and the same body. Throws {@link UnacknowledgedError}
   * after the request deadline.
   */
  async send<T>(method: string, path: string, body: unknown, idempotencyKey: string | undefined): Promise<Acked<T>> {
    this.figures.requests++;
    const startedAt = Date.now();
    const deadline = startedAt + this.requestDeadlineMs;
    let lastError = 'no attempt';
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.figures.retries++;
      this.figures.attempts++;
      try {
        const res = await fetch(`${this.opts.baseUrl()}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(Math.max(1_000, Math.min(this.attemptTimeoutMs, deadline - Date.now()))),
        });
        const text = await res.text();
        this.figures.byStatus[res.status] = (this.figures.byStatus[res.status] ?? 0) + 1;
        if (res.status >= 300) {
          const route = `${routeOf(method, path)} ${res.status}`;
          this.figures.errorsByRoute[route] = (this.figures.errorsByRoute[route] ?? 0) + 1;
        }
        if (res.status < 500 && res.status !== 429) {
          const parsed = (text ? JSON.parse(text) : undefined) as T;
          return { status: res.status, body: parsed, attempts: attempt, startedAt, endedAt: Date.now() };
        }
        if (res.status === 429) this.figures.status429++;
        else this.figures.status5xx++;
        lastError = `HTTP ${res.status}: ${text.slice(0, 300)}`;
      } catch (err) {
        const e = err as Error;
        if (e.name === 'TimeoutError' || e.name === 'AbortError') this.figures.timeouts++;
        else this.figures.networkErrors++;
        const route = `${routeOf(method, path)} ${e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'network'}`;
        this.figures.errorsByRoute[route] = (this.figures.errorsByRoute[route] ?? 0) + 1;
        lastError = `${e.name}: ${e.message}${e.cause ? ` (${String((e.cause as Error).message ?? e.cause)})` : ''}`;
      }
      if (Date.now() > deadline) throw new UnacknowledgedError(`${method} ${path} (key ${idempotencyKey ?? 'none'})`, lastError);
      await sleep(Math.min(2_000, 200 * attempt));
    }
  }

  /** GET until it answers 200 (reads are safe to repeat). */
  async get<T>(path: string): Promise<T> {
    const r = await this.send<T>('GET', path, undefined, undefined);
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN };
}
