/**
 * The stream hub when a subscription ends although the workflow still runs (what `WorkflowStreamClient.subscribe()`
 * does when a poll's update RPC times out or is cancelled, e.g. Temporal under load): the hub subscribes again
 * from where it was, so no client is told that the stream ended. Found by `npm run bench -- gateway`, where
 * clients of busy sessions got `stream.end` mid-session. Against an in-memory durable log with long-polling reads.
 */
import { describe, expect, it } from 'vitest';
import { createStreamHub, type OpenStream, type StreamItem } from '../src/temporal/stream-hub';

/** A durable log whose parked reads can be cut (they end, as the SDK's do on an RPC timeout) while it is still open. */
function cuttableLog() {
  const items: StreamItem[] = [];
  let wake: (() => void)[] = [];
  let cuts = 0;
  const state = { opened: 0, running: true };
  const subscribe: OpenStream = async function* (_wf, from) {
    state.opened++;
    const cutAt = cuts;
    let next = from;
    for (;;) {
      while (items.length <= next && cuts === cutAt && state.running) await new Promise<void>((r) => wake.push(r));
      if (items.length <= next) return; // cut, or the workflow ended: the subscription ends cleanly
      const batch = items.slice(next, next + 100);
      next += batch.length;
      for (const item of batch) yield item;
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
    isRunning: async () => state.running,
    publish(n: number) {
      for (let i = 0; i < n; i++) items.push({ topic: 'events', offset: items.length, data: { n: items.length } });
      notify();
    },
    /** Every parked read ends (the workflow goes on). */
    cut() {
      cuts++;
      notify();
    },
    end() {
      state.running = false;
      notify();
    },
  };
}

async function take(stream: AsyncGenerator<StreamItem, void, unknown>, count: number): Promise<{ offsets: number[]; done: boolean }> {
  const offsets: number[] = [];
  while (offsets.length < count) {
    const r = await stream.next();
    if (r.done) return { offsets, done: true };
    offsets.push(r.value.offset);
  }
  return { offsets, done: false };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('stream hub: a subscription that ends while the workflow runs', () => {
  it('is opened again from where it was: every client goes on receiving, none is ended', async () => {
    const log = cuttableLog();
    const hub = createStreamHub({ subscribe: log.subscribe, isRunning: log.isRunning, resubscribeDelayMs: 1 });
    const clients = Array.from({ length: 10 }, () => hub.open('wf', 0));
    const reads = clients.map((c) => take(c, 30));
    log.publish(10);
    await tick();
    log.cut(); // the upstream's parked poll "times out"
    await tick();
    log.publish(10);
    await tick();
    log.cut();
    await tick();
    log.publish(10);
    for (const r of await Promise.all(reads)) expect(r).toEqual({ offsets: range(0, 30), done: false });
    expect(hub.stats()).toMatchObject({ upstreams: 1, liveClients: 10 });
    expect(hub.stats().resubscribed).toBeGreaterThanOrEqual(2);
    await Promise.all(clients.map((c) => c.return(undefined)));
  });

  it('a catch-up read behind the buffer is opened again too', async () => {
    const log = cuttableLog();
    const hub = createStreamHub({ subscribe: log.subscribe, isRunning: log.isRunning, resubscribeDelayMs: 1, replayItems: 5 });
    const live = hub.open('wf', 0);
    log.publish(40);
    expect(await take(live, 40)).toEqual({ offsets: range(0, 40), done: false });
    // The whole log up to 40 is there; a client from 0 reads its own catch-up, which is cut half-way.
    const behind = hub.open('wf', 0);
    expect(hub.stats().catchingUp).toBe(1);
    const first = await take(behind, 20);
    expect(first.offsets).toEqual(range(0, 20));
    log.cut();
    await tick();
    const rest = take(behind, 25);
    const liveRest = take(live, 5);
    await tick();
    log.publish(5);
    expect(await rest).toEqual({ offsets: range(20, 45), done: false });
    expect(await liveRest).toEqual({ offsets: range(40, 45), done: false });
    await Promise.all([live.return(undefined), behind.return(undefined)]);
  });

  it('ends its clients once the workflow has ended', async () => {
    const log = cuttableLog();
    const hub = createStreamHub({ subscribe: log.subscribe, isRunning: log.isRunning, resubscribeDelayMs: 1 });
    const a = hub.open('wf', 0);
    const b = hub.open('wf', 0);
    const reads = [take(a, 100), take(b, 100)];
    log.publish(3);
    await tick();
    log.end();
    for (const r of await Promise.all(reads)) expect(r).toEqual({ offsets: range(0, 3), done: true });
    expect(hub.stats()).toMatchObject({ upstreams: 0, liveClients: 0, resubscribed: 0 });
  });
});
