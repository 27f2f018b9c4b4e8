/**
 * One upstream subscription per workflow per gateway process, fanned out to every SSE client of it.
 *
 * Why: a workflow-streams subscription is a long-polling *update* parked in the workflow until new
 * items arrive, and Temporal limits the updates in flight per workflow (10 by default): ten open
 * event streams on one session used them all up, and its messages, approvals and close failed.
 *
 * How: the first client of a workflow opens the upstream subscription from its offset. Every item
 * it yields goes into a small replay buffer (the last `replayItems`) and to each live client.
 * A client that joins (or falls) behind the buffer reads its own catch-up from the durable stream
 * (those polls answer at once: the items exist) until it reaches the buffer, then joins the live
 * tail; a client ahead of the upstream skips what it has. Every client only takes offsets at or
 * after its own position, so none misses or repeats one. A client whose queue grows past
 * `maxQueuedItems` (a slow reader) leaves the live set and catches up the same way. The durable
 * stream stays the source of truth: Last-Event-ID resume works as before. The upstream stops
 * after its last client left (once its pending poll returns; a new client meanwhile reuses it).
 *
 * An ended subscription is not proof that the workflow's stream ended: `WorkflowStreamClient.subscribe()`
 * also returns when a poll's update RPC times out or is cancelled (Temporal under load answers
 * DEADLINE_EXCEEDED). With `isRunning`, the hub asks before it ends its clients: while the workflow still
 * runs, the upstream (or the catch-up read) subscribes again from where it was.
 */

/** One item of a workflow's stream. */
export interface StreamItem {
  topic: string;
  data: unknown;
  offset: number;
}

/** Opens a subscription to a workflow's stream from `fromOffset` (all topics: their offsets are contiguous). */
export type OpenStream = (workflowId: string, fromOffset: number) => AsyncGenerator<StreamItem, void, unknown>;

export interface StreamHubOptions {
  /** Opens a subscription of its own (the upstream, and catch-up reads). */
  subscribe: OpenStream;
  /** Recent items kept per workflow for clients that join a little behind. Default 512. */
  replayItems?: number | undefined;
  /** Items queued for a client before it is moved to a catch-up read. Default 2048. */
  maxQueuedItems?: number | undefined;
  /**
   * Whether the workflow still runs, asked when a subscription ends: true → subscribe again from the same
   * offset (after `resubscribeDelayMs`). Unset: an ended subscription ends its clients.
   */
  isRunning?: ((workflowId: string) => Promise<boolean>) | undefined;
  /** Pause before subscribing again. Default 100 ms. */
  resubscribeDelayMs?: number | undefined;
}

export interface StreamHubStats {
  /** Upstream subscriptions open (at most one per workflow). */
  upstreams: number;
  /** Clients reading from a shared upstream. */
  liveClients: number;
  /** Clients reading a catch-up of their own. */
  catchingUp: number;
  /** Subscriptions ever opened through `subscribe` (upstreams and catch-up reads). */
  subscriptionsOpened: number;
  /** Subscriptions that ended while their workflow still ran, opened again. */
  resubscribed: number;
}

export interface StreamHub {
  open: OpenStream;
  stats(): StreamHubStats;
}

interface Upstream {
  workflowId: string;
  clients: Set<Client>;
  buffer: StreamItem[];
  /** The offset after the last item received (the start offset before any). */
  position: number;
}

type Waiter = { resolve: (r: IteratorResult<StreamItem, void>) => void; reject: (err: unknown) => void };

/** One SSE client's stream. `return()` detaches at once, even while a `next()` is pending. */
class Client implements AsyncGenerator<StreamItem, void, unknown> {
  queue: StreamItem[] = [];
  waiter: Waiter | undefined;
  /** The next offset this client wants. */
  expected: number;
  /** Its own read while behind the shared buffer (or with no upstream to join). */
  catchUp: AsyncGenerator<StreamItem, void, unknown> | undefined;
  finished: { error?: unknown } | undefined;
  closed = false;

  constructor(
    readonly hub: Hub,
    readonly workflowId: string,
    fromOffset: number,
  ) {
    this.expected = fromOffset;
  }

  /** From the upstream: takes the item when it is at or after this client's position. */
  deliver(item: StreamItem): void {
    if (this.closed || item.offset < this.expected) return;
    this.expected = item.offset + 1;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ done: false, value: item });
    } else this.queue.push(item);
  }

  /** The upstream ended (`error` undefined: the workflow's stream ended). */
  finish(error?: unknown): void {
    this.finished = error === undefined ? {} : { error };
    const w = this.waiter;
    this.waiter = undefined;
    if (!w) return;
    if (error === undefined) w.resolve({ done: true, value: undefined });
    else w.reject(error);
  }

  async next(): Promise<IteratorResult<StreamItem, void>> {
    if (this.closed) return { done: true, value: undefined };
    const queued = this.queue.shift();
    if (queued) return { done: false, value: queued };
    if (this.finished) {
      if (this.finished.error !== undefined) throw this.finished.error;
      return { done: true, value: undefined };
    }
    if (this.catchUp) return this.hub.catchUpNext(this);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<StreamItem, void>> {
    if (!this.closed) {
      this.closed = true;
      this.queue = [];
      this.hub.detach(this);
      this.finish();
    }
    return { done: true, value: undefined };
  }

  async throw(err: unknown): Promise<IteratorResult<StreamItem, void>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

class Hub {
  readonly upstreams = new Map<string, Upstream>();
  readonly replayItems: number;
  readonly maxQueuedItems: number;
  readonly isRunning: ((workflowId: string) => Promise<boolean>) | undefined;
  readonly resubscribeDelayMs: number;
  catchingUp = 0;
  subscriptionsOpened = 0;
  resubscribed = 0;

  constructor(readonly subscribe: OpenStream, o: StreamHubOptions) {
    this.replayItems = o.replayItems ?? 512;
    this.maxQueuedItems = o.maxQueuedItems ?? 2048;
    this.isRunning = o.isRunning;
    this.resubscribeDelayMs = o.resubscribeDelayMs ?? 100;
  }

  /** After a subscription ended: whether the workflow still runs (then, after the pause, subscribe again). */
  async stillRunning(workflowId: string): Promise<boolean> {
    if (!this.isRunning || !(await this.isRunning(workflowId))) return false;
    await new Promise((r) => setTimeout(r, this.resubscribeDelayMs));
    return true;
  }

  open(workflowId: string, fromOffset: number): Client {
    const client = new Client(this, workflowId, fromOffset);
    this.place(client);
    return client;
  }

  /** Joins the client to the workflow's upstream when that covers its position, else starts its catch-up read. */
  place(client: Client): void {
    let up = this.upstreams.get(client.workflowId);
    if (!up) up = this.startUpstream(client.workflowId, client.expected);
    const bufferStart = up.buffer[0]?.offset ?? up.position;
    if (client.expected >= bufferStart) {
      for (const item of up.buffer) if (item.offset >= client.expected) client.deliver(item);
      up.clients.add(client);
      return;
    }
    this.subscriptionsOpened++;
    this.catchingUp++;
    client.catchUp = this.subscribe(client.workflowId, client.expected);
  }

  /** The next item of a client's catch-up read; joins the live tail as soon as the buffer covers what follows. */
  async catchUpNext(client: Client): Promise<IteratorResult<StreamItem, void>> {
    const own = client.catchUp!;
    const r = await own.next();
    if (client.closed) return { done: true, value: undefined };
    if (r.done) {
      this.endCatchUp(client);
      if (await this.stillRunning(client.workflowId)) {
        if (client.closed) return { done: true, value: undefined };
        this.resubscribed++;
        this.place(client);
        return client.next();
      }
      client.finish();
      return r;
    }
    const item = r.value;
    if (item.offset < client.expected) return this.catchUpNext(client);
    client.expected = item.offset + 1;
    const up = this.upstreams.get(client.workflowId);
    const bufferStart = up ? (up.buffer[0]?.offset ?? up.position) : undefined;
    if (bufferStart === undefined || client.expected >= bufferStart) {
      this.endCatchUp(client);
      this.place(client);
    }
    return r;
  }

  private endCatchUp(client: Client): void {
    const own = client.catchUp;
    if (!own) return;
    client.catchUp = undefined;
    this.catchingUp--;
    void own.return(undefined).catch(() => {});
  }

  detach(client: Client): void {
    this.endCatchUp(client);
    this.upstreams.get(client.workflowId)?.clients.delete(client);
  }

  private startUpstream(workflowId: string, fromOffset: number): Upstream {
    const up: Upstream = { workflowId, clients: new Set(), buffer: [], position: fromOffset };
    this.upstreams.set(workflowId, up);
    this.subscriptionsOpened++;
    void this.pump(up, this.subscribe(workflowId, fromOffset));
    return up;
  }

  private async pump(up: Upstream, first: AsyncGenerator<StreamItem, void, unknown>): Promise<void> {
    let error: unknown;
    let items = first;
    try {
      for (;;) {
        let left = false;
        for await (const item of items) {
          up.buffer.push(item);
          if (up.buffer.length > this.replayItems) up.buffer.splice(0, up.buffer.length - this.replayItems);
          up.position = item.offset + 1;
          for (const client of up.clients) {
            client.deliver(item);
            if (client.queue.length > this.maxQueuedItems) this.demote(up, client);
          }
          if (up.clients.size === 0) {
            // The last client left: stop. Leave the map first: for-await's return() of the subscription
            // takes a moment, and a client joining meanwhile must get a new upstream, not this ending one.
            this.release(up);
            left = true;
            break;
          }
        }
        if (left || up.clients.size === 0 || !(await this.stillRunning(up.workflowId)) || up.clients.size === 0) break;
        this.resubscribed++;
        this.subscriptionsOpened++;
        items = this.subscribe(up.workflowId, up.position);
      }
    } catch (err) {
      error = err ?? new Error('event stream failed');
    } finally {
      this.release(up);
    }
    for (const client of up.clients) client.finish(error);
    up.clients.clear();
  }

  private release(up: Upstream): void {
    if (this.upstreams.get(up.workflowId) === up) this.upstreams.delete(up.workflowId);
  }

  /** A slow client: drop its queue and let it catch up from the durable stream. */
  private demote(up: Upstream, client: Client): void {
    up.clients.delete(client);
    client.expected = client.queue[0]!.offset;
    client.queue = [];
    this.subscriptionsOpened++;
    this.catchingUp++;
    client.catchUp = this.subscribe(client.workflowId, client.expected);
  }

  stats(): StreamHubStats {
    let liveClients = 0;
    for (const up of this.upstreams.values()) liveClients += up.clients.size;
    return {
      upstreams: this.upstreams.size,
      liveClients,
      catchingUp: this.catchingUp,
      subscriptionsOpened: this.subscriptionsOpened,
      resubscribed: this.resubscribed,
    };
  }
}

/** A fan-out of `subscribe`: one upstream per workflow, shared by every client of it. */
export function createStreamHub(o: StreamHubOptions): StreamHub {
  const hub = new Hub(o.subscribe, o);
  return { open: (workflowId, fromOffset) => hub.open(workflowId, fromOffset), stats: () => hub.stats() };
}
