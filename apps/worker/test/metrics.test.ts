/**
 * The worker's /metrics on the real process (`src/main.ts` with HUB_METRICS_PORT=0) against the test Temporal
 * server and the scripted LLM: two real turns (a calculator call; a save_note call that waits for its approval),
 * then one scrape with exactly those turns' figures (LLM calls, tokens, cost, tool calls, turns and their
 * latency histogram, approvals requested / pending / resolved), the Temporal SDK's own metrics next to them, and
 * every metric the Grafana dashboard (infra/deploy/grafana/hub-dashboard.json) queries among the exported ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import {
  DEFAULTS,
  METRICS,
  WORKFLOW_TYPES,
  approveToolUpdate,
  seriesNames,
  sendMessageUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  type SessionWorkflowInput,
  type TurnResult,
} from '@hub/contracts';
import { createGatewayMetrics } from '@hub/runtime/metrics';
import { testTemporalAddress } from '@hub/testing';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { workerMetricsConfig } from '../src/metrics';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const DASHBOARD = fileURLToPath(new URL('../../../infra/deploy/grafana/hub-dashboard.json', import.meta.url));

/** Samples of the text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
/** The sum over the series of `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
const has = (samples: Sample[], name: string): boolean => samples.some((s) => s.name === name);

/** The metric names a PromQL expression reads (identifiers not followed by `(`, minus PromQL's words and label names). */
export function promqlMetricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '').replace(/\[[^\]]*\]/g, '');
  const words = ['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'avg', 'max', 'min', 'count', 'topk', 'clamp_min', 'or', 'and', 'unless', 'offset', 'bool', 'le', 'vector', 'scalar', 'abs', 'delta', 'deriv'];
  return [...new Set([...withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((w) => !words.includes(w) && !/^\d/.test(w)))];
}

describe('workerMetricsConfig', () => {
  it('is off unless HUB_METRICS_PORT or HUB_METRICS=on says otherwise; 127.0.0.1 by default; 19464 for on', () => {
    expect(workerMetricsConfig({})).toBeUndefined();
    expect(workerMetricsConfig({ HUB_METRICS_PORT: '9464' })).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(workerMetricsConfig({ HUB_METRICS: 'on' })).toEqual({ host: '127.0.0.1', port: 19464 });
    expect(workerMetricsConfig({ HUB_METRICS: 'off', HUB_METRICS_PORT: '9464' })).toBeUndefined();
    expect(workerMetricsConfig({ HUB_METRICS_PORT: '0', HUB_METRICS_HOST: '0.0.0.0' })).toEqual({ host: '0.0.0.0', port: 0 });
    expect(() => workerMetricsConfig({ HUB_METRICS_PORT: 'x' })).toThrow(/HUB_METRICS_PORT/);
    expect(() => workerMetricsConfig({ HUB_METRICS: 'sometimes' })).toThrow(/HUB_METRICS/);
  });
});

describe('worker /metrics after real turns', () => {
  const taskQueue = `worker-metrics-${randomUUID()}`;
  const tenant = 'metrics';
  let llm: ScriptedLlmServer;
  let child: ChildProcess;
  let output = '';
  let metricsUrl = '';
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    llm = await startScriptedLlmServer();
    const dir = mkdtempSync(join(tmpdir(), 'hub-worker-metrics-'));
    const config = join(dir, 'hub.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        providers: { scripted: { baseURL: llm.url, apiKeyEnv: 'METRICS_TEST_KEY' } },
        models: { priced: { provider: 'scripted', model: 'scripted-model', price: { inputPerMTok: 2, outputPerMTok: 8 } } },
      }),
    );
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: testTemporalAddress(),
        HUB_TASK_QUEUE: taskQueue,
        HUB_CONFIG: config,
        HUB_NOTES_FILE: join(dir, 'notes.jsonl'),
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: 'test',
        METRICS_TEST_KEY: 'test',
        HUB_METRICS_PORT: '0',
        HUB_WORKER_COMPILED: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer): void => {
        output += b.toString();
        const m = /"msg":"worker ready".*?"metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(output);
        if (m) {
          metricsUrl = m[1]!;
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`worker exited ${code}:\n${output}`)));
    });
    connection = await Connection.connect({ address: testTemporalAddress() });
    client = new Client({ connection });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await connection?.close();
    await llm?.close();
  });

  /** A step that does not finish within 60 s fails with the worker's output (a diagnosis, not a timing assert). */
  async function diagnosed<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in 60 s; LLM requests: ${llm.chatRequests().length}; worker output:\n${output.slice(-6000)}`)), 60_000);
    });
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function scrape(): Promise<Sample[]> {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    lastScrape = await res.text();
    return parse(lastScrape);
  }
  let lastScrape = '';

  /** Scrapes until `ready` holds (within 60 s, else fails with the last scrape: a diagnosis, not a timing assert). */
  async function scrapeUntil(ready: (s: Sample[]) => boolean): Promise<Sample[]> {
    const give = Date.now() + 60_000;
    for (;;) {
      const s = await scrape();
      if (ready(s)) return s;
      if (Date.now() > give) throw new Error(`not in the scrape after 60 s:\n${[...new Set(s.map((x) => x.name))].join('\n')}\n${lastScrape.split('\n').filter((l) => l.startsWith('hub_')).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('counts the LLM calls, tokens, cost, tool calls, turns and approvals of those turns, next to the SDK metrics', async () => {
    const sessionId = randomUUID();
    const workflowId = sessionWorkflowId(tenant, sessionId);
    const input: SessionWorkflowInput = {
      sessionId,
      tenant,
      profile: { name: 'metrics-agent', description: 'metrics test', systemPrompt: 'test', temperature: 0, tools: ['calculator', 'save_note'], maxToolRounds: 3, model: 'priced' },
      options: { idleTimeoutMs: DEFAULTS.idleTimeoutMs, approvalTimeoutMs: DEFAULTS.approvalTimeoutMs, maxTurnsPerRun: DEFAULTS.maxTurnsPerRun },
    };
    const usage = [
      { promptTokens: 1000, completionTokens: 100 },
      { promptTokens: 1200, completionTokens: 50 },
      { promptTokens: 1500, completionTokens: 80 },
      { promptTokens: 1700, completionTokens: 20 },
    ];
    llm.script(
      { toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }], usage: usage[0] },
      { reply: 'It is 42.', usage: usage[1] },
      { toolCalls: [{ name: 'save_note', arguments: { title: 'answer', body: 'remember 42' } }], usage: usage[2] },
      { reply: 'Noted.', usage: usage[3] },
    );
    // Turn 1: a calculator call and the answer.
    const first = (await diagnosed(client.workflow.executeUpdateWithStart(sendMessageUpdate, {
      args: [{ text: 'what is 6*7?' }],
      startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.session, { workflowId, taskQueue, args: [input], workflowIdConflictPolicy: 'FAIL' }),
    }))) as TurnResult;
    expect(first.status).toBe('completed');
    // Turn 2: save_note waits for its approval; while it waits, the worker counts it pending.
    const handle = client.workflow.getHandle(workflowId);
    const second = handle.executeUpdate(sendMessageUpdate, { args: [{ text: 'note it' }] });
    const approvalId = await diagnosed((async () => {
      for (;;) {
        const id = (await handle.query(sessionStateQuery)).pendingApprovals[0]?.approvalId;
        if (id) return id;
        await new Promise((r) => setTimeout(r, 100));
      }
    })());
    // Core's exporter has the counter once the workflow task completed.
    const waiting = await scrapeUntil((x) => total(x, METRICS.approvalsRequested.name) >= 1);
    expect(total(waiting, METRICS.approvalsPending.name)).toBe(1);
    await handle.executeUpdate(approveToolUpdate, { args: [{ approvalId, approve: true }] });
    expect(((await second) as TurnResult).status).toBe('completed');

    const s = await scrapeUntil((x) => total(x, METRICS.turns.name) >= 2);
    const calls = llm.chatRequests().length;
    expect(calls).toBe(4);
    const model = { model: 'priced', provider: 'scripted' };
    // LLM: four provider calls, their tokens as reported, their cost at $2 / $8 per million.
    expect(total(s, METRICS.llmCalls.name, { ...model, outcome: 'ok' })).toBe(4);
    expect(total(s, METRICS.llmCalls.name)).toBe(4);
    expect(total(s, `${METRICS.llmDuration.name}_count`, { ...model, outcome: 'ok' })).toBe(4);
    const prompt = usage.reduce((a, u) => a + u.promptTokens, 0);
    const completion = usage.reduce((a, u) => a + u.completionTokens, 0);
    expect(total(s, METRICS.llmTokens.name, { ...model, kind: 'prompt' })).toBe(prompt); // 5400
    expect(total(s, METRICS.llmTokens.name, { ...model, kind: 'completion' })).toBe(completion); // 250
    expect(total(s, METRICS.llmCost.name, model)).toBeCloseTo((prompt * 2 + completion * 8) / 1e6, 12); // $0.0128
    expect(total(s, METRICS.llmFallbacks.name)).toBe(0);
    // Tools: one calculator call, one save_note call, both ok.
    expect(total(s, METRICS.toolCalls.name, { server: 'builtin', tool: 'calculator', outcome: 'ok' })).toBe(1);
    expect(total(s, METRICS.toolCalls.name, { server: 'builtin', tool: 'save_note', outcome: 'ok' })).toBe(1);
    expect(total(s, METRICS.toolCalls.name)).toBe(2);
    // Turns (workflow side, through Temporal's exporter): two completed, in the latency histogram.
    expect(total(s, METRICS.turns.name, { status: 'completed' })).toBe(2);
    expect(total(s, METRICS.turns.name)).toBe(2);
    expect(total(s, `${METRICS.turnDuration.name}_count`, { status: 'completed' })).toBe(2);
    expect(total(s, `${METRICS.turnDuration.name}_bucket`, { status: 'completed', le: '+Inf' })).toBe(2);
    expect(s.find((x) => x.name === METRICS.turns.name)?.labels).toMatchObject({ workflowType: WORKFLOW_TYPES.session, taskQueue, namespace: 'default' });
    // Approvals: one asked, approved, none pending now.
    expect(total(s, METRICS.approvalsRequested.name)).toBe(1);
    expect(total(s, METRICS.approvalsResolved.name, { outcome: 'approved' })).toBe(1);
    expect(total(s, METRICS.approvalsResolved.name)).toBe(1);
    expect(total(s, METRICS.approvalsPending.name)).toBe(0);
    expect(total(s, METRICS.researchAgentsRunning.name)).toBe(0);
    expect(total(s, METRICS.budgetWaits.name)).toBe(0);
    // No tenant anywhere in the labels.
    expect(s.some((x) => Object.values(x.labels).includes(tenant) || Object.keys(x.labels).includes('tenant'))).toBe(false);
    // The Temporal SDK's runtime metrics and the process metrics are in the same scrape.
    for (const name of ['temporal_workflow_task_schedule_to_start_latency_bucket', 'temporal_workflow_task_execution_latency_bucket', 'temporal_activity_execution_latency_bucket', 'temporal_worker_task_slots_available', 'temporal_sticky_cache_size', 'temporal_request', 'temporal_num_pollers', 'process_resident_memory_bytes']) {
      expect(has(s, name), `${name} among ${[...new Set(s.map((x) => x.name))].filter((n) => n.startsWith('temporal_')).join(' ')}`).toBe(true);
    }
    expect(total(s, 'temporal_activity_execution_latency_count', { activity_type: 'llmComplete' })).toBe(4);
  });

  it('serves every metric the Grafana dashboard queries (the hub catalogue, checked against the registries, and the SDK scrape)', async () => {
    const s = await scrape();
    const text = await (await fetch(metricsUrl)).text();
    const exported = new Set(s.map((x) => x.name));
    for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      const [name, kind] = [m[1]!, m[2]!];
      for (const series of kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name]) exported.add(series);
    }
    // The gateway's registry (its process runs elsewhere): what it declares.
    const gateway = await createGatewayMetrics().registry.getMetricsAsJSON();
    for (const m of gateway) {
      for (const series of String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]) exported.add(series);
    }
    // Every catalogue metric is exported by its registry (the workflow-side ones once emitted: the test above).
    for (const def of Object.values(METRICS)) {
      if (def === METRICS.budgetWaits || def === METRICS.budgetWaitDuration) continue; // no budget wait in these turns
      for (const series of seriesNames(def)) expect(exported.has(series), series).toBe(true);
    }
    const catalogue = new Set(Object.values(METRICS).flatMap((d) => seriesNames(d)));
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => promqlMetricNames(t.expr).map((name) => ({ panel: p.title, name }))));
    expect(queried.length).toBeGreaterThan(15);
    for (const { panel, name } of queried) {
      // hub_*: a catalogue series; everything else (temporal_*, process_*, nodejs_*): one the scrapes export.
      if (name.startsWith('hub_')) expect(catalogue.has(name), `${panel}: ${name}`).toBe(true);
      else expect(exported.has(name), `${panel}: ${name}`).toBe(true);
    }
    // And every hub metric is on the dashboard.
    const onDashboard = new Set(queried.map((q) => q.name));
    for (const def of Object.values(METRICS)) expect(seriesNames(def).some((n) => onDashboard.has(n)), def.name).toBe(true);
  });
});
