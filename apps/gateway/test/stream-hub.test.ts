/** The stream hub (one upstream per workflow, fanned out): against an in-memory durable log with long-polling reads. */
import { describe, expect, it } from 'vitest';
import { createStreamHub } from '../src/temporal/stream-hub';
import type { OpenStream, StreamItem } from '../src/temporal/stream-hub';

/** A durable log whose reads park until items exist, like workflow-streams polls; counts reads in flight. */
function durableLog(o: { slowReturnMs?: number } = {}) {
  const items: StreamItem[] = [];
  let wake: (() => void)[] = [];
  let failWith: Error | undefined;
  const state = { inFlight: 0, opened: 0 };
  const subscribe: OpenStream = async function* (_wf, from) {
    state.opened++;
    state.inFlight++;
    try {
      let next = from;
      for (;;) {
        while (items.length <= next && !failWith) await new Promise<void>((r) => wake.push(r));
        if (failWith) throw failWith;
        const batch = items.slice(next, next + 100);
        next += batch.length;
        for (const item of batch) yield item;
      }
    } finally {
      if (o.slowReturnMs) await new Promise((r) => setTimeout(r, o.slowReturnMs));
      state.inFlight--;
    }
  };
  const notify = (): void => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  return {
    subscribe,
    state,
    publish(n: number) {
      for (let i = 0; i < n; i++) items.push({ topic: 'events', offset: items.length, data: { n: items.length } });
      notify();
    },
    fail(err: Error) {
      failWith = err;
      notify();
    },
  };
}

/** Reads `count` items from a stream. */
async function take(stream: AsyncGenerator<StreamItem, void, unknown>, count: number, delayMs = 0): Promise<number[]> {
  const got: number[] = [];
  while (got.length < count) {
    const r = await stream.next();
    if (r.done) break;
    got.push(r.value.offset);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  }
  return got;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('stream hub', () => {
  it('serves 20 clients of one workflow from one upstream read, each event exactly once', async () => {
    const log = durableLog();
    const hub = createStreamHub({ subscribe: log.subscribe });
    const clients = Array.from({ length: 20 }, () => hub.open('wf', 0));
    const reads = clients.map((c) => take(c, 50));
    await tick();
    log.publish(30);
    await tick();
    log.publish(20);
    const got = await Promise.all(reads);
    for (const offsets of got) expect(offsets).toEqual(range(0, 50));
    expect(log.state.opened).toBe(1);
    expect(hub.stats()).toMatchObject({ upstreams: 1, liveClients: 20, catchingUp: 0 });
    for (const c of clients) await c.return(undefined);
    expect(hub.stats().liveClients).toBe(0);
    // The pending read ends with the next item: nobody listens any more.
    log.publish(1);
    await tick();
    expect(hub.stats().upstreams).toBe(0);
    expect(log.state.inFlight).toBe(0);
  });

  it('resumes a client from the replay buffer, or from its own catch-up read behind it, then joins the live tail', async () => {
    const log = durableLog();
    const hub = createStreamHub({ subscribe: log.subscribe, replayItems: 10 });
    const first = hub.open('wf', 0);
    log.publish(40);
    expect(await take(first, 40)).toEqual(range(0, 40));

    const inBuffer = hub.open('wf', 35); // Last-Event-ID 34
    expect(hub.stats()).toMatchObject({ liveClients: 2, catchingUp: 0 });
    const behind = hub.open('wf', 3);
    expect(hub.stats().catchingUp).toBe(1);
    const a = take(inBuffer, 10);
    const b = take(behind, 42);
    await tick();
    log.publish(5);
    expect(await a).toEqual(range(35, 45));
    expect(await b).toEqual(range(3, 45));
    expect(hub.stats()).toMatchObject({ upstreams: 1, liveClients: 3, catchingUp: 0 });
    expect(log.state.inFlight).toBe(1); // the catch-up read ended once it reached the buffer
    await Promise.all([first, inBuffer, behind].map((c) => c.return(undefined)));
  });

  it('moves a slow client to a catch-up read instead of queueing without bound, without losing an event', async () => {
    const log = durableLog();
    const hub = createStreamHub({ subscribe: log.subscribe, replayItems: 5, maxQueuedItems: 8 });
    const fast = hub.open('wf', 0);
    const slow = hub.open('wf', 0);
    const fastRead = take(fast, 300);
    const slowRead = take(slow, 300, 1);
    for (let i = 0; i < 30; i++) {
      log.publish(10);
      await tick();
    }
    expect(await fastRead).toEqual(range(0, 300));
    expect(await slowRead).toEqual(range(0, 300));
    expect(log.state.opened).toBeGreaterThan(1);
    await Promise.all([fast.return(undefined), slow.return(undefined)]);
  });

  it('detaches a client at once even while a read is pending, and hands a failing upstream to every client', async () => {
    const log = durableLog();
    const hub = createStreamHub({ subscribe: log.subscribe });
    const a = hub.open('wf', 0);
    const b = hub.open('wf', 0);
    const pendingA = a.next();
    await a.return(undefined);
    expect(await pendingA).toEqual({ done: true, value: undefined });
    expect(hub.stats().liveClients).toBe(1);
    const pendingB = b.next();
    log.fail(new Error('poll failed'));
    await expect(pendingB).rejects.toThrow('poll failed');
    expect(hub.stats().upstreams).toBe(0);
    // A new client opens a new upstream.
    hub.open('wf', 0);
    expect(hub.stats().upstreams).toBe(1);
  });

  it('gives a client that joins while the last one is leaving a live upstream, not the ending one', async () => {
    const log = durableLog({ slowReturnMs: 100 });
    const hub = createStreamHub({ subscribe: log.subscribe });
    const first = hub.open('wf', 0);
    const pending = first.next();
    await first.return(undefined);
    await pending;
    log.publish(1); // the upstream sees nobody listens and ends (its subscription takes 100 ms to close)
    await tick();
    const second = hub.open('wf', 0);
    log.publish(1);
    expect(await take(second, 2)).toEqual([0, 1]);
    await second.return(undefined);
  });

  it('keeps one upstream per workflow', async () => {
    const log = durableLog();
    const hub = createStreamHub({ subscribe: log.subscribe });
    hub.open('wf-1', 0);
    hub.open('wf-1', 0);
    hub.open('wf-2', 0);
    expect(hub.stats()).toMatchObject({ upstreams: 2, liveClients: 3 });
  });
});
