/**
 * `npm run bench -- models`: what budgets cost an LLM call (issue 14).
 *
 * One dev server, one instant fake LLM (the scripted LLM test fixture in instant mode), four hub workers in
 * this process (./workers.ts): (a) no budget meter, (b) the meter with budgets off (a usage record: one
 * Signal-with-Start to the tenant's ledger after each call), (c) budgets on as the hub runs them (granted from
 * the worker's budget block: one `blockCall` Signal before the call, the settle signal after), (d) budgets on
 * with blocks off (a lease first: one Update to `budget/<tenant>`, answered by the ledger workflow). One bench
 * workflow per configuration (id `session/bench-<config>/…`, so the calls are billed as a session's) runs the
 * hub's real `llmComplete` activity once per Update. The configurations take turns call by call (the order
 * rotating each round), so machine noise hits all four alike. Reports p50/p90 per call of each, as the
 * workflow sees it (the Update's round trip) and inside the activity, the overheads against (a) and (b),
 * where a call's time goes (from the bench workflows' and the ledgers' histories) and the ledgers'
 * counts; writes JSON under infra/bench/results/. Reported, never asserted.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { budgetLedgerWorkflowId, budgetStateQuery, type BudgetState } from '@hub/contracts';
import { startDevServer } from '@hub/dev';
import { startScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { intOption } from '../lib/args';
import { machine, writeResult } from '../lib/results';
import { fmtProfile, profileTurns } from '../chat/profile';
import { fmtLedger, profileLedger } from './history';
import { TARGET_MS, measureReport, meetsTarget, printReport } from './report';
import { CONFIGS, HUGE_BUDGET, startConfigWorkers, tenantOf, type ConfigName, type ConfigWorker } from './workers';
import { llmCallUpdate, stopUpdate } from './workflows';

const require = createRequire(import.meta.url);

export const MODELS_HELP = `models options (suite "models"):
  --calls N           measured LLM calls of each configuration (default 200, at most 2000)
  --warmup N          warm-up calls of each (default 20)
  --pause-ms N        pause after each call, so the ledger's work is done before the next (default 5)
  Measures what budgets add to an LLM call: the hub's llmComplete activity, called from a workflow
  billed as a session, with (a) no meter, (b) budgets off (usage record only), (c) budgets on as the
  hub runs them (granted from the worker's budget block, one blockCall signal before the call, the
  settle signal after), (d) budgets on with blocks off (a lease Update from the tenant's ledger before
  each call), interleaved on one dev server with an instant fake LLM. Prints p50/p90 per call (the
  workflow's Update and the activity alone), the overheads against (a) and (b) (target: (c)-(a) <=
  ${TARGET_MS} ms at p50), where the time goes from the histories, and writes JSON to
  infra/bench/results/.
`;

function pauseOption(argv: readonly string[]): number {
  const i = argv.indexOf('--pause-ms');
  if (i < 0) return 5;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0 || v > 10_000) throw new Error('--pause-ms must be an integer from 0 to 10000');
  return v;
}

/** The ledger's state once it has seen `calls` calls (settle signals are not awaited by anyone; give them 10 s). */
async function ledgerAfter(client: Client, tenant: string, calls: number): Promise<BudgetState> {
  const handle = client.workflow.getHandle(budgetLedgerWorkflowId(tenant));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = await handle.query(budgetStateQuery);
    if ((state.spent.calls >= calls && state.reserved.leases === 0 && state.reserved.blocks === 0) || Date.now() > deadline) return state;
    await sleep(100);
  }
}

export async function runModelsBench(argv: string[]): Promise<void> {
  const calls = intOption(argv, 'calls', 200, 2000);
  const warmup = intOption(argv, 'warmup', 20, 2000);
  const pauseMs = pauseOption(argv);
  process.stderr.write(`bench: starting an in-memory Temporal dev server and an instant fake LLM…\n`);
  const temporal = await startDevServer({ headless: true, log: () => undefined });
  const llm = await startScriptedLlmServer({ instant: true, instantReply: 'OK' });
  const native = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const prefix = `bench-models-${randomUUID().slice(0, 8)}`;
  const benchQueue = `${prefix}-workflows`;

  const workers: ConfigWorker[] = await startConfigWorkers({ connection: native, queuePrefix: prefix, llmUrl: llm.url, model: 'bench' });
  const benchWorker = await Worker.create({ connection: native, taskQueue: benchQueue, workflowsPath: require.resolve('./workflows') });
  const running = [benchWorker.run(), ...workers.map((w) => w.worker.run())];

  try {
    const handles = new Map<ConfigName, WorkflowHandle>();
    for (const w of workers) {
      const handle = await client.workflow.start('modelsBenchSession', {
        workflowId: `session/${tenantOf(w.name)}/${randomUUID()}`,
        taskQueue: benchQueue,
        args: [w.taskQueue],
      });
      handles.set(w.name, handle);
    }
    const samples = Object.fromEntries(CONFIGS.map((c) => [c, [] as number[]])) as Record<ConfigName, number[]>;
    const call = async (c: ConfigName, i: number): Promise<number> => {
      const t0 = performance.now();
      const reply = await handles.get(c)!.executeUpdate(llmCallUpdate, { args: [`call ${i}`] });
      const ms = performance.now() - t0;
      if (reply !== 'OK') throw new Error(`config ${c}, call ${i}: unexpected reply ${JSON.stringify(reply)}`);
      if (pauseMs > 0) await sleep(pauseMs);
      return ms;
    };
    process.stderr.write(`bench: ${warmup} warm-up calls of each configuration, then ${calls} of each, interleaved (order rotating)…\n`);
    const rounds = warmup + calls;
    for (let r = 0; r < rounds; r++) {
      if (r === warmup) for (const w of workers) w.reset();
      for (let k = 0; k < CONFIGS.length; k++) {
        const c = CONFIGS[(r + k) % CONFIGS.length]!;
        const ms = await call(c, r);
        if (r >= warmup) samples[c].push(ms);
      }
      if (r >= warmup && (r - warmup + 1) % Math.max(1, Math.floor(calls / 5)) === 0) process.stderr.write(`  ${r - warmup + 1}/${calls} calls of each\n`);
    }
    const activity = Object.fromEntries(workers.map((w) => [w.name, [...w.activityMs]])) as Record<ConfigName, number[]>;
    const callProfiles = Object.fromEntries(await Promise.all(CONFIGS.map(async (c) => [c, await profileTurns(handles.get(c)!)] as const))) as Record<ConfigName, Awaited<ReturnType<typeof profileTurns>>>;
    for (const h of handles.values()) await h.executeUpdate(stopUpdate);

    const metered = ['usage', 'blocks', 'leases'] as const;
    const states = await Promise.all(metered.map((c) => ledgerAfter(client, tenantOf(c), rounds)));
    const pick = (s: BudgetState) => ({ calls: s.spent.calls, tokens: s.spent.tokens, openLeases: s.reserved.leases, openBlocks: s.reserved.blocks, abandoned: s.abandoned, exhausted: s.exhausted });
    const ledgers = Object.fromEntries(metered.map((c, i) => [tenantOf(c), pick(states[i]!)]));
    const ledgerHandle = (c: ConfigName) => client.workflow.getHandle(budgetLedgerWorkflowId(tenantOf(c)));
    const ledgerProfiles = { usage: await profileLedger(ledgerHandle('usage'), calls), blocks: await profileLedger(ledgerHandle('blocks'), calls), leases: await profileLedger(ledgerHandle('leases'), calls) };
    const callReport = measureReport(samples);
    const activityReport = measureReport(activity);

    printReport({
      calls,
      warmup,
      call: callReport,
      activity: activityReport,
      ledgers: [
        `    counts: ${JSON.stringify(ledgers)}`,
        fmtLedger('(b) usage ledger ', ledgerProfiles.usage),
        fmtLedger('(c) block ledger ', ledgerProfiles.blocks),
        fmtLedger('(d) lease ledger ', ledgerProfiles.leases),
      ],
      callLines: CONFIGS.map((c) => `    ${c.padEnd(6)}: ${fmtProfile(callProfiles[c])}`),
    });
    writeResult('models', {
      benchmark: 'budget-lease-overhead',
      at: new Date().toISOString(),
      machine: machine(),
      calls,
      warmup,
      pauseMs,
      configs: {
        none: 'no budget meter',
        usage: 'meter, budgets off: usage record (Signal-with-Start) after each call',
        blocks: `budgets on (${JSON.stringify(HUGE_BUDGET)}), as the hub runs them: granted from the worker's budget block, a blockCall signal before, settle signal after`,
        leases: `budgets on, blocks off: lease (Update) before, settle signal after`,
      },
      perCallMs: callReport,
      activityMs: activityReport,
      ledgers,
      ledgerHistories: ledgerProfiles,
      callHistories: callProfiles,
      target: { leaseAndSettleOverheadMs: TARGET_MS, metPerCall: meetsTarget(callReport), metInActivity: meetsTarget(activityReport) },
    });
  } finally {
    benchWorker.shutdown();
    for (const w of workers) w.worker.shutdown();
    await Promise.allSettled(running);
    await Promise.allSettled(workers.map((w) => w.close()));
    await native.close();
    await connection.close();
    await llm.close();
    await temporal.stop();
  }
}
