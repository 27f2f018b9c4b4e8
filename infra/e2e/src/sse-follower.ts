/**
 * An event stream followed across gateways, as a client behind a load balancer would: it reads a session's SSE
 * stream from one gateway and, when that stream breaks or ends because the gateway goes away, resumes from the
 * next gateway with `Last-Event-ID` (the last id it saw). Everything it received is kept, with the gateway of
 * each connection, so a test can check that no event was lost or repeated across the switch.
 */
import { readSse, type SseEvent } from './stack';

export interface FollowedEvent extends SseEvent {
  /** Index of the gateway the event came through. */
  gateway: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SseFollower {
  readonly events: FollowedEvent[] = [];
  /** Connections made, in order, with the gateway of each and how it ended. */
  readonly connections: Array<{ gateway: number; ended: string }> = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly gateways: readonly string[],
    private readonly path: string,
    first: number,
    private readonly maxConnections = 100,
  ) {
    this.done = this.run(first);
  }

  get lastId(): string | undefined {
    return this.events.filter((e) => e.id !== undefined).at(-1)?.id;
  }

  private async run(first: number): Promise<void> {
    let gateway = first;
    while (!this.stopped && this.connections.length < this.maxConnections) {
      const lastId = this.lastId;
      let ended = 'stream ended';
      try {
        await readSse(
          `${this.gateways[gateway]}${this.path}`,
          (ev) => {
            this.events.push({ ...ev, gateway });
            if (ev.event === 'stream.end') ended = `stream.end: ${ev.data}`;
            return this.stopped || ev.event === 'stream.end';
          },
          { headers: lastId !== undefined ? { 'last-event-id': lastId } : {}, timeoutMs: 10_000 },
        );
      } catch (err) {
        ended = (err as Error).message.slice(0, 200);
      }
      this.connections.push({ gateway, ended });
      if (this.stopped) break;
      // A session's stream ends for good only when the session closes; anything else is a gateway going away.
      gateway = (gateway + 1) % this.gateways.length;
      await sleep(200);
    }
  }

  /** Waits (bounded) until `until` holds for the events so far. */
  async waitFor(until: (events: FollowedEvent[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (until(this.events)) return true;
      await sleep(200);
    }
    return until(this.events);
  }

  /** Stops following (the current connection ends within its 10 s read window or at its next event). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.race([this.done, sleep(15_000)]);
  }
}
