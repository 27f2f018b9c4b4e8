/** The gateway process: config checks, real HTTP serving, graceful shutdown. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Connection } from '@temporalio/client';
import { testTemporalAddress } from '@hub/testing';
import { WORKFLOW_TYPES, sessionWorkflowId } from '@hub/contracts';
import { isLoopback, loadGatewayConfig } from '../src/config';
import { connectTestClient, noWorkerTaskQueue } from './helpers';
import { createServer } from 'node:net';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CWD = fileURLToPath(new URL('..', import.meta.url));

describe('loadGatewayConfig', () => {
  it('defaults to 127.0.0.1:8787 with auth off', () => {
    expect(loadGatewayConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      apiKeys: undefined,
      sessionDefaults: { idleTimeoutMs: 86_400_000, approvalTimeoutMs: 900_000, maxTurnsPerRun: 50 },
      mcp: { allowedHosts: [], allowedOrigins: [] },
    });
    expect(loadGatewayConfig({ HUB_SESSION_IDLE_TIMEOUT_MS: '60000', HUB_APPROVAL_TIMEOUT_MS: '5000' }).sessionDefaults).toMatchObject({
      idleTimeoutMs: 60_000,
      approvalTimeoutMs: 5_000,
    });
    expect(() => loadGatewayConfig({ HUB_APPROVAL_TIMEOUT_MS: 'soon' })).toThrow(/HUB_APPROVAL_TIMEOUT_MS/);
  });
  it('refuses a non-loopback HOST without HUB_API_KEYS', () => {
    expect(() => loadGatewayConfig({ HOST: '0.0.0.0' })).toThrow(/HUB_API_KEYS/);
    expect(loadGatewayConfig({ HOST: '0.0.0.0', HUB_API_KEYS: 'k1:a' }).apiKeys?.get('k1')).toBe('a');
  });
  it('validates PORT', () => {
    expect(() => loadGatewayConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(loadGatewayConfig({ PORT: '0' }).port).toBe(0);
  });
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com'].some(isLoopback)).toBe(false);
  });
});

interface Proc {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function runMain(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: CWD,
    env: { ...process.env, HUB_API_KEYS: '', HOST: '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
      waiters.forEach((w) => w());
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor: (pred, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit) resolve(hit);
        };
        waiters.push(check);
        check();
        setTimeout(() => reject(new Error(`timed out; log so far:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
      }),
  };
}

describe('main.ts', () => {
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    ({ client, connection } = await connectTestClient());
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('refuses to start unauthenticated on a non-loopback address', async () => {
    const p = runMain({ HOST: '0.0.0.0', TEMPORAL_ADDRESS: testTemporalAddress() });
    expect(await p.exited).toBe(1);
    expect(p.lines.some((l) => l['level'] === 'error' && String(l['err']).includes('HUB_API_KEYS'))).toBe(true);
  });

  it('serves over HTTP, warns when auth is off, and shuts down cleanly on SIGTERM (ending SSE streams)', async () => {
    const p = runMain({ TEMPORAL_ADDRESS: testTemporalAddress(), HUB_TASK_QUEUE: noWorkerTaskQueue() });
    try {
      await p.waitFor((l) => l['level'] === 'warn' && String(l['msg']).includes('authentication is off'));
      const ready = await p.waitFor((l) => l['msg'] === 'gateway ready');
      const url = String(ready['url']);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'main-test-1' } });
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toBe('main-test-1');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      await p.waitFor((l) => l['msg'] === 'request' && l['requestId'] === 'main-test-1' && l['status'] === 200);

      // An open SSE stream on a running session (no worker: nothing to stream).
      const id = `main-${randomUUID()}`;
      await client.workflow.start(WORKFLOW_TYPES.session, {
        workflowId: sessionWorkflowId('default', id),
        taskQueue: noWorkerTaskQueue(),
        args: [{}],
      });
      const sse = await fetch(`${url}/v1/sessions/${id}/events`);
      expect(sse.status).toBe(200);
      const reader = sse.body!.getReader();
      const first = await reader.read(); // the opening comment
      expect(new TextDecoder().decode(first.value)).toContain(': session event stream from offset 0');

      const started = Date.now();
      p.child.kill('SIGTERM');
      let rest = '';
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) break;
        rest += new TextDecoder().decode(r.value);
      }
      expect(rest).toContain('event: stream.end');
      expect(await p.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(p.lines.some((l) => l['msg'] === 'gateway stopped')).toBe(true);
      await client.workflow.getHandle(sessionWorkflowId('default', id)).terminate('test done');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('main.ts: deadlines (issue 11 #16)', () => {
  it('starts with Temporal down: /readyz 503, requests answer 503 temporal_unavailable within 2 s', async () => {
    const p = runMain({ TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}`, HUB_WEB: 'off' });
    try {
      const ready = await p.waitFor((l) => l['msg'] === 'gateway ready');
      const url = String(ready['url']);
      await p.waitFor((l) => String(l['msg']).startsWith('Temporal is unreachable'));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      for (const [path, init] of [
        ['/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
        ['/v1/sessions/s1/approvals/ap-1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"approve":true}' }],
        ['/v1/sessions/s1/events', {}],
      ] as const) {
        const started = Date.now();
        const res = await fetch(`${url}${path}`, init);
        expect(res.status, path).toBe(503);
        expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('temporal_unavailable');
        expect(Date.now() - started, path).toBeLessThan(2_000);
      }
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('cancels the server-side Temporal call when the client disconnects mid-request', async () => {
    const p = runMain({ TEMPORAL_ADDRESS: testTemporalAddress(), HUB_TASK_QUEUE: noWorkerTaskQueue(), HUB_WEB: 'off' });
    const { client, connection } = await connectTestClient();
    try {
      const url = String((await p.waitFor((l) => l['msg'] === 'gateway ready'))['url']);
      await p.waitFor((l) => l['msg'] === 'connected to Temporal');
      // A session no worker runs: its approval update is never accepted; the call would wait for its deadline.
      const id = `main-abort-${randomUUID()}`;
      await client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId('default', id), taskQueue: noWorkerTaskQueue(), args: [{}] });
      const ctrl = new AbortController();
      const answered = fetch(`${url}/v1/sessions/${id}/approvals/ap-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"approve":true}',
        signal: ctrl.signal,
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 700));
      const abortedAt = Date.now();
      ctrl.abort();
      const line = await p.waitFor((l) => l['msg'] === 'Temporal call aborted: the client went away', 5_000);
      expect(line).toMatchObject({ service: 'sessions', method: 'approve' });
      expect(Date.now() - abortedAt).toBeLessThan(2_000);
      await answered;
      await client.workflow.getHandle(sessionWorkflowId('default', id)).terminate('test done');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await connection.close();
    }
  });
});

describe('main.ts: /metrics (the real process on the test Temporal server)', () => {
  const TENANT_KEY = 'main-metrics-tenant-key-0123';
  const ADMIN_KEY = 'main-metrics-admin-key-0123';
  const sample = (text: string, line: string): number | undefined => {
    const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
    return hit === undefined ? undefined : Number(hit.slice(line.length + 1));
  };

  it('serves an admin key the requests by route pattern and the SSE clients open now; 401 without a key, 403 for a tenant key', async () => {
    const p = runMain({ TEMPORAL_ADDRESS: testTemporalAddress(), HUB_TASK_QUEUE: noWorkerTaskQueue(), HUB_WEB: 'off', HUB_API_KEYS: `${TENANT_KEY}:acme`, HUB_ADMIN_KEYS: `${ADMIN_KEY}:ops` });
    const { client, connection } = await connectTestClient();
    const id = `main-metrics-${randomUUID()}`;
    try {
      const url = String((await p.waitFor((l) => l['msg'] === 'gateway ready'))['url']);
      await p.waitFor((l) => l['msg'] === 'connected to Temporal');
      await client.workflow.start(WORKFLOW_TYPES.session, { workflowId: sessionWorkflowId('acme', id), taskQueue: noWorkerTaskQueue(), args: [{}] });
      const tenant = { authorization: `Bearer ${TENANT_KEY}` };
      const admin = { authorization: `Bearer ${ADMIN_KEY}` };
      const sse = await fetch(`${url}/v1/sessions/${id}/events`, { headers: tenant });
      expect(sse.status).toBe(200);
      const reader = sse.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain(': session event stream from offset 0');
      expect((await fetch(`${url}/v1/sessions/no-such-${id}`, { headers: tenant })).status).toBe(404);

      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: tenant })).status).toBe(403);
      const res = await fetch(`${url}/metrics`, { headers: admin });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(sample(text, 'hub_sse_clients{route="/v1/sessions/:id/events"}')).toBe(1);
      expect(sample(text, 'hub_http_requests_total{method="GET",route="/v1/sessions/:id/events",status="200"}')).toBe(1);
      expect(sample(text, 'hub_http_requests_total{method="GET",route="/v1/sessions/:id",status="404"}')).toBe(1);
      expect(sample(text, 'hub_http_requests_total{method="GET",route="/metrics",status="403"}')).toBe(1);
      expect(sample(text, 'hub_http_requests_total{method="GET",route="/metrics",status="401"}')).toBe(1);
      expect(text).not.toContain(id); // route patterns, never raw paths
      expect(text).toContain('\nprocess_resident_memory_bytes ');

      // The client goes away: the stream is no longer counted.
      await reader.cancel();
      let open: number | undefined = 1;
      while (open !== 0) {
        await new Promise((r) => setTimeout(r, 100));
        open = sample(await (await fetch(`${url}/metrics`, { headers: admin })).text(), 'hub_sse_clients{route="/v1/sessions/:id/events"}');
      }
      expect(open).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await client.workflow.getHandle(sessionWorkflowId('acme', id)).terminate('test done').catch(() => undefined);
      await connection.close();
    }
  });

  it('HUB_METRICS=off: no /metrics', async () => {
    const p = runMain({ TEMPORAL_ADDRESS: testTemporalAddress(), HUB_WEB: 'off', HUB_METRICS: 'off' });
    try {
      const url = String((await p.waitFor((l) => l['msg'] === 'gateway ready'))['url']);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
