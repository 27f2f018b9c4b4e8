/**
 * The reachability probe against a real Temporal behind a TCP proxy that can stall (hold every byte): one probe
 * that misses its deadline (a busy server) leaves Temporal reachable, so requests in flight are not failed with
 * 503; only timeouts in a row mark it down. Found by `npm run bench -- gateway`: during a connect storm of 400 SSE
 * clients one slow probe flipped the gateway to "unreachable" and 297 requests were answered 503.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { testTemporalAddress } from '@hub/testing';
import { startReachabilityProbe } from '../src/temporal/reachability';

/** Forwards TCP to Temporal; while stalled, holds what the client sends (nothing reaches the server). */
function stallingProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let stalled = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(port, host);
    sockets.add(down).add(up);
    down.on('data', (chunk) => {
      if (stalled) held.push(() => up.write(chunk));
      else up.write(chunk);
    });
    up.on('data', (chunk) => down.write(chunk));
    const close = () => {
      down.destroy();
      up.destroy();
    };
    down.on('error', close).on('close', close);
    up.on('error', close).on('close', close);
  });
  return {
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as { port: number }).port}`))),
    stall: () => (stalled = true),
    release: () => {
      stalled = false;
      for (const f of held.splice(0)) f();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const until = async (what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

let proxy: ReturnType<typeof stallingProxy>;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  proxy = stallingProxy(testTemporalAddress());
  connection = await Connection.connect({ address: await proxy.listen() });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await proxy?.close();
});

describe('reachability probe', () => {
  it('keeps a reachable Temporal up through one probe that misses its deadline', async () => {
    const changes: boolean[] = [];
    // Probes 2 s apart, each with a 300 ms deadline: the stall is released as soon as one has timed out.
    const reachability = startReachabilityProbe(client, { intervalMs: 2_000, timeoutMs: 300, onChange: (up) => changes.push(up) });
    try {
      await until('first probe', () => reachability.up === true);
      proxy.stall();
      await until('a probe timed out', () => /DEADLINE_EXCEEDED/i.test(reachability.lastError ?? ''));
      proxy.release();
      expect(reachability.up).toBe(true);
      await reachability.check(); // requests still go through
      expect(changes).toEqual([true]);
    } finally {
      proxy.release();
      reachability.stop();
    }
  });

  it('counts Temporal down after timeouts in a row, and up again once it answers', async () => {
    const changes: boolean[] = [];
    const reachability = startReachabilityProbe(client, { intervalMs: 50, timeoutMs: 200, timeoutsToDown: 3, onChange: (up) => changes.push(up) });
    try {
      await until('first probe', () => reachability.up === true);
      proxy.stall();
      await until('down', () => reachability.up === false);
      await expect(reachability.check()).rejects.toMatchObject({ status: 503 });
      proxy.release();
      await until('up again', () => reachability.up === true);
      expect(changes).toEqual([true, false, true]);
    } finally {
      proxy.release();
      reachability.stop();
    }
  });
});
