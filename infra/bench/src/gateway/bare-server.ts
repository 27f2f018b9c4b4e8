/**
 * The gateway suite's baseline (forked by bench.ts, see child.ts): a bare Hono SSE endpoint on
 * @hono/node-server, `GET /s/<session>/events`, fed by a timer per session at the event rate the gateway
 * delivered, each event serialized once and written to every subscriber of its session with `writeSSE`
 * (the same SSE helper and HTTP server as the gateway, without Temporal, auth, middleware or the stream hub).
 * Each event embeds its publish time (`"pt"`), so clients measure the lag directly.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AddressInfo } from 'node:net';
import { serveParent } from './child';
import { now } from './sse-reader';

const subscribers = new Map<number, Set<SSEStreamingApi>>();
let server: ServerType | undefined;

const app = new Hono();
app.get('/s/:n/events', (c) => {
  const n = Number(c.req.param('n'));
  return streamSSE(c, async (stream) => {
    let set = subscribers.get(n);
    if (!set) subscribers.set(n, (set = new Set()));
    set.add(stream);
    await stream.write(`: bare event stream\n\n`);
    await new Promise<void>((resolve) => stream.onAbort(resolve));
    set.delete(stream);
  });
});

async function start(): Promise<number> {
  return new Promise((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
  });
}

/** Publishes `perSecond` events per session for `durationMs` (each session's timer at its own phase). */
async function publish(a: { sessions: number; perSecond: number; durationMs: number }): Promise<number> {
  let published = 0;
  const period = 1000 / a.perSecond;
  const timers: NodeJS.Timeout[] = [];
  for (let s = 0; s < a.sessions; s++) {
    let offset = 0;
    const tick = () => {
      const id = offset++;
      const data = JSON.stringify({ type: 'token', turnId: `bare-${s}`, delta: `b${s}_${id} `, round: 0, attempt: 1, pt: now() });
      for (const stream of subscribers.get(s) ?? []) void stream.writeSSE({ id: String(id), event: 'token', data });
      published++;
    };
    timers.push(
      setTimeout(() => {
        tick();
        timers.push(setInterval(tick, period));
      }, Math.random() * period),
    );
  }
  await new Promise((r) => setTimeout(r, a.durationMs));
  for (const t of timers) clearInterval(t);
  return published;
}

serveParent({
  start: () => start(),
  publish: (a: { sessions: number; perSecond: number; durationMs: number }) => publish(a),
  stop: async () => {
    await new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    return true;
  },
});
