/**
 * Issue 11 #16, a real gateway process through a TCP proxy to the test Temporal server: started
 * while Temporal is unreachable it serves 503s at once, comes up by itself once Temporal answers,
 * fails fast again during an outage and recovers after it.
 */
import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTemporalAddress } from '@hub/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CWD = fileURLToPath(new URL('..', import.meta.url));

/** A TCP proxy to Temporal that can be switched off (refusing connections, cutting open ones) and on. */
async function temporalProxy() {
  const [host, port] = testTemporalAddress().split(':') as [string, string];
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const listenPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    address: `127.0.0.1:${listenPort}`,
    async on() {
      server = createServer((inbound) => {
        const outbound = connect(Number(port), host);
        for (const s of [inbound, outbound]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        inbound.pipe(outbound).pipe(inbound);
      });
      await new Promise<void>((r) => server!.listen(listenPort, '127.0.0.1', r));
    },
    async off() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
    },
  };
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await fn().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function timed(url: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

describe('gateway and a Temporal outage (real process)', () => {
  it('starts with Temporal unreachable, comes up when it answers, fails fast during an outage and recovers', async () => {
    const proxy = await temporalProxy();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: CWD,
      env: { ...process.env, HUB_API_KEYS: '', HOST: '', PORT: '0', HUB_WEB: 'off', TEMPORAL_ADDRESS: proxy.address },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    try {
      await until('gateway ready', async () => log.includes('"gateway ready"'), 30_000);
      const url = /"url":"(http:[^"]+)"/.exec(log)![1]!;
      await until('the unreachable line', async () => log.includes('Temporal is unreachable'), 10_000);
      const down = await timed(`${url}/v1/sessions`);
      expect(down.status).toBe(503);
      expect(down.ms).toBeLessThan(2_000);
      expect((await timed(`${url}/readyz`)).status).toBe(503);

      await proxy.on();
      const upAfterMs = await until('serving', async () => (await timed(`${url}/v1/sessions`)).status === 200, 15_000);
      expect((await timed(`${url}/readyz`)).status).toBe(200);

      await proxy.off();
      await until('503 during the outage', async () => (await timed(`${url}/v1/sessions`)).status === 503, 10_000);
      const during = await timed(`${url}/v1/sessions`);
      expect(during.status).toBe(503);
      expect(during.ms).toBeLessThan(2_000);

      await proxy.on();
      const recoveredAfterMs = await until('recovered', async () => (await timed(`${url}/v1/sessions`)).status === 200, 15_000);
      console.info(`gateway up ${upAfterMs} ms after Temporal answered; recovered ${recoveredAfterMs} ms after the outage ended`);
    } finally {
      child.kill('SIGKILL');
      await proxy.off();
    }
  });
});
