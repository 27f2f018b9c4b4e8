/**
 * Provider cooldowns shared by the workers through Temporal (the `providers/health` workflow): two hub workers
 * (each its own activities, router and shared cooldowns, as two worker processes have) on one task queue, two
 * scripted OpenAI-compatible providers. Worker A's call to the primary fails with 500 and falls back; a call
 * worker B then takes goes straight to the backup without a request to the primary; when the cooldown ends,
 * calls go to the primary again. A success on a provider the workers think is cooling ends it for all of them.
 *
 * With HUB_RECORD_HISTORIES=1 the providerHealth history is written to workflows/test/histories (replayed by
 * workflows/test/replay.test.ts).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { HubConfigSchema, PROVIDER_HEALTH_WORKFLOW_ID, WORKFLOW_TYPES, providerCooldownsQuery, providerFailedSignal, type LlmRequest, type LlmResponse } from '@hub/contracts';
import { createSharedCooldowns, type SharedCooldowns } from '@hub/agents/activities';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { createHubActivities } from '../src/worker';

const COOLDOWN_MS = 6_000;
const taskQueue = `shared-cooldown-${randomUUID()}`;
const workflowsPath = fileURLToPath(new URL('./fixtures/call-model-workflows.ts', import.meta.url));

interface HubWorker {
  name: string;
  connection: NativeConnection;
  cooldowns: SharedCooldowns;
  hub: ReturnType<typeof createHubActivities>;
  worker: Worker;
  running?: Promise<void>;
  warnings: string[];
}

let primary: ScriptedLlmServer;
let backup: ScriptedLlmServer;
let connection: Connection;
let client: Client;
let bundle: WorkflowBundle;
let a: HubWorker;
let b: HubWorker;

const rawHubConfig = () => ({
  providers: { primary: { baseURL: primary.url, cooldownMs: COOLDOWN_MS }, backup: { baseURL: backup.url } },
  models: { smart: { provider: 'primary', model: 'big-model' }, cheap: { provider: 'backup', model: 'small-model' } },
});
const hubConfig = () => HubConfigSchema.parse(rawHubConfig());

/** One hub worker as main.ts builds it: a client over its own connection, shared cooldowns, the hub's activities. */
async function hubWorker(name: string): Promise<HubWorker> {
  const conn = await NativeConnection.connect({ address: testTemporalAddress() });
  const warnings: string[] = [];
  const cooldowns = createSharedCooldowns({
    client: new Client({ connection: conn }),
    taskQueue,
    pollMs: 200,
    log: { warn: (msg) => warnings.push(msg), info: () => undefined },
  });
  const hub = createHubActivities({ hubConfig: hubConfig(), taskQueue, cooldowns, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
  const worker = await Worker.create({
    connection: conn,
    taskQueue,
    workflowBundle: bundle,
    activities: hub.activities,
    stickyQueueScheduleToStartTimeout: '1 second',
  });
  cooldowns.start();
  return { name, connection: conn, cooldowns, hub, worker, warnings };
}

async function stopWorker(w: HubWorker | undefined): Promise<void> {
  if (!w) return;
  if (w.running) {
    w.worker.shutdown();
    await w.running.catch(() => undefined);
    w.running = undefined;
  }
  w.cooldowns.stop();
}

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  [primary, backup] = await Promise.all([startScriptedLlmServer(), startScriptedLlmServer()]);
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
  bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  [a, b] = await Promise.all([hubWorker('A'), hubWorker('B')]);
}, 180_000);

afterAll(async () => {
  await client?.workflow.getHandle(PROVIDER_HEALTH_WORKFLOW_ID).terminate('test over').catch(() => undefined);
  for (const w of [a, b]) {
    await stopWorker(w);
    await w?.hub.close();
    await w?.connection.close();
  }
  await connection?.close();
  await Promise.all([primary?.close(), backup?.close()]);
});

const req = (model: string[]): LlmRequest => ({ model, temperature: 0, systemPrompt: 's', messages: [{ role: 'user', content: 'hi' }], tools: [] });

/** One llmComplete call through Temporal, on whichever running worker (of `activityTaskQueue`) takes it. */
function call(model: string[], activityTaskQueue?: string): Promise<LlmResponse> {
  const args: [LlmRequest, string?] = activityTaskQueue ? [req(model), activityTaskQueue] : [req(model)];
  return client.workflow.execute('callModel', { taskQueue, workflowId: `call/${randomUUID()}`, args });
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sharedCooldowns = () => client.workflow.getHandle(PROVIDER_HEALTH_WORKFLOW_ID).query(providerCooldownsQuery);

describe('provider cooldowns shared by the workers', () => {
  it('a provider that failed on worker A is passed over by worker B until its cooldown ends', async () => {
    // No failure yet: there is no providers/health workflow, which means no cooldowns.
    await a.cooldowns.refresh();
    expect(a.cooldowns.coolingDown('primary')).toBe(false);

    // Worker A alone: the primary answers 500, the backup serves, the primary cools down for every worker.
    a.running = a.worker.run();
    primary.script({ error: { status: 500, message: 'upstream broke' } });
    backup.script({ reply: 'from backup via A' });
    const first = await call(['smart', 'cheap']);
    expect(first.content).toBe('from backup via A');
    expect(first.fallbacks).toEqual([{ from: 'smart', provider: 'primary', reason: expect.stringContaining('500') }]);
    expect(primary.chatRequests()).toHaveLength(1);

    await until('the shared cooldown', async () => (await sharedCooldowns().catch((): Record<string, number> => ({})))['primary'] !== undefined);
    const shared = await sharedCooldowns();
    expect(shared['primary']).toBeGreaterThan(Date.now() + COOLDOWN_MS - 3_000);
    await until("worker B's view of it", () => b.cooldowns.coolingDown('primary'));
    expect(b.cooldowns.until('primary')).toBe(shared['primary']);

    // Worker B alone (A stopped): it has never called the primary, yet goes straight to the backup.
    await stopWorker(a);
    b.running = b.worker.run();
    backup.script({ reply: 'from backup via B' });
    const second = await call(['smart', 'cheap']);
    expect(second.content).toBe('from backup via B');
    expect(second.fallbacks).toEqual([{ from: 'smart', provider: 'primary', reason: 'cooldown' }]);
    expect(primary.chatRequests()).toHaveLength(1);

    // The cooldown ends (by the clock): calls go to the primary again.
    await until('the end of the cooldown', () => !b.cooldowns.coolingDown('primary'), COOLDOWN_MS + 5_000);
    primary.script({ reply: 'from primary again' });
    const third = await call(['smart', 'cheap']);
    expect(third.content).toBe('from primary again');
    expect(third.served?.provider).toBe('primary');
    expect(third.fallbacks).toBeUndefined();
    expect(primary.chatRequests()).toHaveLength(2);
    expect(b.warnings).toEqual([]);
  });

  it('a success on a provider the workers think is cooling ends its cooldown for all of them', async () => {
    // Worker B (running) fails on the primary; another worker's shared cooldowns learn of it.
    const a2 = createSharedCooldowns({ client: new Client({ connection }), taskQueue, pollMs: 200 });
    a2.start();
    try {
      primary.script({ error: { status: 503, message: 'overloaded' } });
      backup.script({ reply: 'from backup' });
      expect((await call(['smart', 'cheap'])).content).toBe('from backup');
      await until('the other worker to see the cooldown', () => a2.coolingDown('primary'));

      // A route with the primary alone still calls it (the last entry is never passed over); it answers.
      primary.script({ reply: 'primary is back' });
      const back = await call(['smart']);
      expect(back.content).toBe('primary is back');
      await until('the workflow to forget the cooldown', async () => (await sharedCooldowns())['primary'] === undefined);
      await until('the other worker to forget it', () => !a2.coolingDown('primary'));

      // And worker B's next call with fallbacks goes to the primary.
      primary.script({ reply: 'primary first' });
      const next = await call(['smart', 'cheap']);
      expect(next.served?.provider).toBe('primary');
      expect(next.fallbacks).toBeUndefined();
    } finally {
      a2.stop();
    }
    await recordHistory('provider-health');
  });

  it('the worker process (main.ts) with `models` configured passes over a provider another worker said is failing', async () => {
    // Another worker's news: the primary fails for the next minute.
    await client.workflow.signalWithStart(WORKFLOW_TYPES.providerHealth, {
      workflowId: PROVIDER_HEALTH_WORKFLOW_ID,
      taskQueue,
      args: [{}],
      signal: providerFailedSignal,
      signalArgs: [{ provider: 'primary', until: Date.now() + 60_000, reason: 'HTTP 500' }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'shared-cooldown-'));
    writeFileSync(join(dir, 'hub.config.json'), JSON.stringify(rawHubConfig()));
    const processQueue = `${taskQueue}-process`;
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, TEMPORAL_ADDRESS: testTemporalAddress(), HUB_TASK_QUEUE: processQueue, HUB_CONFIG: join(dir, 'hub.config.json'), OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until('the worker process to be ready', () => out.includes('"worker ready"'), 90_000);
      await new Promise((r) => setTimeout(r, 1_500)); // its first reads of the shared cooldowns (every second)
      const before = primary.chatRequests().length;
      backup.script({ reply: 'from backup via the process' });
      const res = await call(['smart', 'cheap'], processQueue);
      expect(res.content).toBe('from backup via the process');
      expect(res.fallbacks).toEqual([{ from: 'smart', provider: 'primary', reason: 'cooldown' }]);
      expect(primary.chatRequests()).toHaveLength(before);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, out).toBe(0);
    expect(out).toMatch(/"worker stopped"/);
    expect(out).not.toMatch(/shared provider cooldowns/);
  });

  it('without Temporal, a failure still counts on this worker, and the errors are logged once, never thrown', async () => {
    const lost = await Connection.connect({ address: testTemporalAddress() });
    const warnings: string[] = [];
    const c = createSharedCooldowns({ client: new Client({ connection: lost }), taskQueue, log: { warn: (msg) => warnings.push(msg), info: () => undefined } });
    await lost.close();
    c.reportFailure('flaky', 60_000, 'HTTP 502');
    await c.refresh();
    await c.refresh();
    expect(c.coolingDown('flaky')).toBe(true);
    expect(c.until('flaky')).toBeGreaterThan(Date.now() + 50_000);
    expect(c.coolingDown('primary')).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shared provider cooldowns: (query|providerFailed signal) failed/);
    c.stop();
  });
});

/** With HUB_RECORD_HISTORIES=1: the providerHealth history, as workflows/test/research-record.ts records. */
async function recordHistory(name: string): Promise<void> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return;
  const dir = fileURLToPath(new URL('../../../workflows/test/histories/', import.meta.url));
  const history = await client.workflow.getHandle(PROVIDER_HEALTH_WORKFLOW_ID).fetchHistory();
  writeFileSync(`${dir}${name}.json`, historyToJSON(history) + '\n');
  const idsFile = `${dir}workflow-ids.map`;
  const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
  ids[name] = PROVIDER_HEALTH_WORKFLOW_ID;
  writeFileSync(idsFile, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
}
