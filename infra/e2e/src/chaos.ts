/**
 * The chaos scenario (infra/e2e/test/chaos.test.ts runs a small one, `npm run bench -- chaos` a
 * larger one): sessions exchanging messages, research jobs and saga tasks against the real
 * bookings MCP server, on the real stack (Temporal dev server on an SQLite file, worker and
 * gateway processes), while the worker is SIGKILLed and restarted, Temporal is stopped and
 * started again on the same file and port, and the gateway is killed and restarted. Clients
 * retry every request they got no answer for with the same `Idempotency-Key` (chaos-client.ts).
 * chaos-check.ts then reads the final state and counts what was lost, duplicated or orphaned.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ResearchState, TaskState, TurnResult } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import type { ReadyChild } from '@hub/dev';
import { researchResponder } from '@hub/testing/research-responder';
import { lastUserMessage, startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { ChaosClient, type Acked } from './chaos-client';
import { HubStack, eventually } from './stack';

export type ChaosEventKind = 'worker-kill' | 'temporal-restart' | 'gateway-restart';

export interface ChaosParams {
  sessions: number;
  /** Messages per session at least (sessions keep talking while the chaos lasts). */
  messages: number;
  jobs: number;
  tasks: number;
  workerKills: number;
  temporalRestarts: number;
  gatewayRestarts: number;
  /** Sub-agents per research job. */
  agentsPerJob?: number;
  /** Calm time before the first chaos event, and between events (ms). */
  gapMs?: number;
  /** A client gives up on a request after this long (default 150 s). */
  requestDeadlineMs?: number;
  /** Pause between one session's messages (ms). */
  messageGapMs?: number;
  /** How Temporal is stopped before its restart (default SIGTERM; SIGKILL is a crash). */
  temporalSignal?: 'SIGTERM' | 'SIGKILL';
  /** Echo the processes' output. */
  verbose?: boolean;
  log?: (line: string) => void;
}

export interface AckedMessage {
  session: string;
  text: string;
  key: string;
  reply: string | undefined;
  status: string | undefined;
  startedAt: number;
  endedAt: number;
  attempts: number;
}

export interface ChaosWindow {
  kind: ChaosEventKind | 'worker-self-exit' | 'gateway-self-exit';
  from: number;
  to: number;
}

export interface ChaosRun {
  runId: string;
  params: ChaosParams;
  hub: HubStack;
  llm: ScriptedLlmServer;
  client: ChaosClient;
  bookingsFile: string;
  sessionIds: string[];
  messages: AckedMessage[];
  /** Research job id -> its final state. */
  jobs: Map<string, ResearchState>;
  /** Task id -> its final state; `expect` says how it must end. */
  tasks: Map<string, { state: TaskState; expect: 'completed' | 'compensated'; resources: string[] }>;
  windows: ChaosWindow[];
  /** Requests that never got a definite answer (the reason of each). */
  unacknowledged: string[];
  startedAt: number;
  endedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Chat messages starting with this stream slowly (startLlm), so that a kill lands mid-turn. */
export const CHAT_MARK = 'chaos-msg';

/** The scripted LLM: research roles as in research-responder.ts; chat turns stream slowly enough for a kill to land mid-turn. */
async function startLlm(): Promise<ScriptedLlmServer> {
  return startScriptedLlmServer({
    maxRecorded: 100_000,
    responder: (req) => {
      const step = researchResponder(req);
      return lastUserMessage(req).startsWith(CHAT_MARK) ? { ...step, chunkDelayMs: 80 } : step;
    },
  });
}

/** Starts the scripted LLM and the stack with the real bookings MCP server (stdio) in its hub.config.json. */
export async function startChaosStack(verbose = false): Promise<{ hub: HubStack; llm: ScriptedLlmServer; bookingsFile: string }> {
  const llm = await startLlm();
  const hub = new HubStack({ llmUrl: llm.url, verbose });
  const bookingsFile = join(hub.dataDir, 'bookings.json');
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      mcpServers: {
        bookings: {
          command: process.execPath,
          args: ['--import', 'tsx', join(repoRoot(), 'tools', 'servers', 'bookings', 'src', 'main.ts')],
          env: { BOOKINGS_FILE: bookingsFile, BOOKINGS_FAIL_RESOURCE: 'sold-out' },
        },
      },
    }),
  );
  hub.opts.env = { ...hub.opts.env, HUB_CONFIG: configFile };
  try {
    await hub.start();
  } catch (err) {
    await llm.close();
    throw err;
  }
  return { hub, llm, bookingsFile };
}

/**
 * Keeps the worker and the gateway running like `npm start`'s supervisor does: a chaos kill is
 * followed by a restart; a child that dies by itself (e.g. when Temporal goes away) is restarted
 * too and counted as a self-exit.
 */
class Children {
  private readonly intended = new Set<ReadyChild>();
  private chain: Record<'worker' | 'gateway', Promise<void>> = { worker: Promise.resolve(), gateway: Promise.resolve() };
  stopped = false;

  constructor(
    private readonly hub: HubStack,
    private readonly windows: ChaosWindow[],
    private readonly log: (l: string) => void,
  ) {
    this.watch('worker');
    this.watch('gateway');
  }

  private watch(name: 'worker' | 'gateway'): void {
    const child = this.hub[name];
    if (!child) return;
    void child.exited.then((code) => {
      if (this.intended.has(child) || this.stopped) return;
      this.log(`chaos: the ${name} exited by itself (code ${code}); restarting it`);
      const from = Date.now();
      void this.serial(name, async () => {
        if (this.hub[name] === child) this.hub[name] = undefined;
        await this.start(name);
        this.windows.push({ kind: `${name}-self-exit`, from, to: Date.now() });
      });
    });
  }

  private serial(name: 'worker' | 'gateway', fn: () => Promise<void>): Promise<void> {
    const next = this.chain[name].then(fn, fn);
    this.chain[name] = next.catch(() => undefined);
    return next;
  }

  private async start(name: 'worker' | 'gateway'): Promise<void> {
    if (this.stopped || this.hub[name]) return;
    if (name === 'worker') await this.hub.startWorker();
    else await this.hub.startGateway();
    this.watch(name);
  }

  /** SIGKILLs the child and starts a new one. */
  crash(name: 'worker' | 'gateway'): Promise<void> {
    return this.serial(name, async () => {
      const child = this.hub[name];
      if (child) this.intended.add(child);
      if (name === 'worker') await this.hub.killWorker('SIGKILL');
      else await this.hub.stopGateway('SIGKILL');
      await this.start(name);
    });
  }

  /** Waits for pending restarts. */
  async settle(): Promise<void> {
    await this.chain.worker;
    await this.chain.gateway;
  }
}

/** The order of chaos events: the restarts spread between the worker kills. */
export function chaosSchedule(p: Pick<ChaosParams, 'workerKills' | 'temporalRestarts' | 'gatewayRestarts'>): ChaosEventKind[] {
  const others: ChaosEventKind[] = [...Array<ChaosEventKind>(p.temporalRestarts).fill('temporal-restart'), ...Array<ChaosEventKind>(p.gatewayRestarts).fill('gateway-restart')];
  const out: ChaosEventKind[] = [];
  const slots = Math.max(p.workerKills, others.length);
  for (let i = 0; i < slots; i++) {
    if (i < p.workerKills) out.push('worker-kill');
    if (i < others.length) out.push(others[i]!);
  }
  return out;
}

function bookingStep(resource: string) {
  return {
    tool: 'bookings/create_booking',
    args: { resource, slot: '2026-12-02T09:00', delayMs: 400 },
    compensate: { tool: 'bookings/cancel_booking', args: { key: '$key' } },
  };
}

/**
 * One client's session in a load run: created with its first message, then a message every `gapMs` while
 * `more(m)` says so (message m, from 1); every answered message is acknowledged in `messages`.
 */
export async function driveSession(o: {
  client: ChaosClient;
  runId: string;
  index: number;
  gapMs: number;
  more: (m: number) => boolean;
  messages: AckedMessage[];
  created?: (id: string) => void;
}): Promise<void> {
  const { client, runId, index: s } = o;
  const ack = (session: string, text: string, key: string, r: Acked<TurnResult>) =>
    o.messages.push({ session, text, key, reply: r.body?.reply, status: r.body?.status, startedAt: r.startedAt, endedAt: r.endedAt, attempts: r.attempts });
  const text0 = `${CHAT_MARK} ${runId} s${s} m0`;
  const key0 = `${runId}-s${s}-create`;
  const created = await client.send<{ id: string; reply?: TurnResult }>('POST', '/v1/sessions', { message: text0 }, key0);
  if (created.status !== 201) throw new Error(`POST /v1/sessions answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  o.created?.(id);
  ack(id, text0, key0, { ...created, body: created.body.reply as TurnResult });
  for (let m = 1; o.more(m); m++) {
    await sleep(o.gapMs);
    const text = `${CHAT_MARK} ${runId} s${s} m${m}`;
    const key = `${runId}-s${s}-m${m}`;
    const r = await client.send<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text }, key);
    if (r.status !== 200) throw new Error(`POST messages answered ${r.status}: ${JSON.stringify(r.body)}`);
    ack(id, text, key, r);
  }
}

/** Runs the scenario on a started stack; never throws for what it measures (chaos-check.ts judges). */
export async function runChaos(env: { hub: HubStack; llm: ScriptedLlmServer; bookingsFile: string }, params: ChaosParams): Promise<ChaosRun> {
  const log = params.log ?? (() => undefined);
  const { hub, llm, bookingsFile } = env;
  const runId = randomUUID().slice(0, 8);
  const client = new ChaosClient({ baseUrl: () => hub.gatewayUrl, requestDeadlineMs: params.requestDeadlineMs });
  const run: ChaosRun = {
    runId, params, hub, llm, client, bookingsFile, sessionIds: [], messages: [], jobs: new Map(), tasks: new Map(),
    windows: [], unacknowledged: [], startedAt: Date.now(), endedAt: 0,
  };
  const children = new Children(hub, run.windows, log);
  const gap = params.gapMs ?? 2_000;
  let chaosDone = false;
  const note = (err: unknown) => run.unacknowledged.push((err as Error).message);

  const session = (s: number): Promise<void> =>
    driveSession({ client, runId, index: s, gapMs: params.messageGapMs ?? 300, more: (m) => m < params.messages || !chaosDone, messages: run.messages, created: (id) => run.sessionIds.push(id) });

  const job = async (j: number): Promise<void> => {
    const r = await client.send<{ id: string }>('POST', '/v1/research', { question: `Chaos job ${runId} ${j}`, maxAgents: params.agentsPerJob ?? 3 }, `${runId}-job${j}`);
    if (r.status !== 202) throw new Error(`POST /v1/research answered ${r.status}: ${JSON.stringify(r.body)}`);
    const state = await eventually(async () => {
      const s = await client.get<ResearchState>(`/v1/research/${r.body.id}`);
      return ['completed', 'failed', 'cancelled'].includes(s.status) && s;
    }, 170_000, `research job ${r.body.id}`);
    run.jobs.set(r.body.id, state);
  };

  const task = async (t: number): Promise<void> => {
    const compensated = t % 2 === 1;
    const resources = [`room-${runId}-t${t}-a`, `room-${runId}-t${t}-b`];
    const steps = [bookingStep(resources[0]!), bookingStep(resources[1]!)];
    if (compensated) steps.push({ tool: 'bookings/create_booking', args: { resource: 'sold-out', slot: `t${t}`, delayMs: 400 }, compensate: steps[0]!.compensate });
    const r = await client.send<{ id: string }>('POST', '/v1/tasks', { steps }, `${runId}-task${t}`);
    if (r.status !== 202) throw new Error(`POST /v1/tasks answered ${r.status}: ${JSON.stringify(r.body)}`);
    const state = await eventually(async () => {
      const s = await client.get<TaskState>(`/v1/tasks/${r.body.id}`);
      return ['completed', 'compensated', 'failed', 'compensation_failed', 'cancelled'].includes(s.status) && s;
    }, 170_000, `task ${r.body.id}`);
    run.tasks.set(r.body.id, { state, expect: compensated ? 'compensated' : 'completed', resources });
  };

  const chaos = async (): Promise<void> => {
    for (const kind of chaosSchedule(params)) {
      const before = run.messages.length;
      await sleep(gap);
      // Let work progress between events, so each one lands while requests are in flight.
      await eventually(async () => run.messages.length > before, 90_000, 'progress between chaos events').catch(note);
      const from = Date.now();
      log(`chaos: ${kind} at +${((from - run.startedAt) / 1000).toFixed(1)} s`);
      if (kind === 'worker-kill') await children.crash('worker');
      else if (kind === 'gateway-restart') await children.crash('gateway');
      else {
        await hub.restartTemporal(params.temporalSignal);
        await eventually(async () => (await fetch(`${hub.gatewayUrl}/readyz`)).status === 200, 60_000, 'gateway ready after the Temporal restart');
      }
      run.windows.push({ kind, from, to: Date.now() });
      log(`chaos: ${kind} recovered in ${((Date.now() - from) / 1000).toFixed(1)} s`);
    }
    chaosDone = true;
  };

  const work = [
    ...Array.from({ length: params.sessions }, (_, s) => session(s).catch(note)),
    ...Array.from({ length: params.jobs }, (_, j) => job(j).catch(note)),
    ...Array.from({ length: params.tasks }, (_, t) => task(t).catch(note)),
  ];
  await chaos().catch((err) => {
    chaosDone = true;
    note(err);
  });
  await Promise.all(work);
  await children.settle();
  children.stopped = true;
  run.endedAt = Date.now();
  return run;
}
