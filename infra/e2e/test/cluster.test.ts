/**
 * Cluster mode, tested (issue 15): `npm run cluster` itself, on a fresh state dir, runs PostgreSQL, the
 * Temporal server built from the go.temporal.io/server module (PostgreSQL persistence, SQL visibility), two
 * workers and two gateways, with the scripted LLM test fixture as the model. Sessions and a research job go
 * through both gateways while worker 1 is SIGKILLed mid-load and gateway 2 is stopped (cluster-scenario.ts).
 * Afterwards (cluster-check.ts): no acknowledged message lost or duplicated, every turn answered exactly once,
 * the transcripts the same and complete through either gateway, each session's event stream complete across
 * the gateway switch, the job completed with every agent answered once, and either gateway's listings exact.
 * Then SIGTERM stops the cluster cleanly: exit code 0, PostgreSQL stopped with pg_ctl, no process left.
 *
 * Not part of `npm test`: run it with `npm run test:cluster` (it builds the Temporal server first if needed;
 * see README "Cluster mode").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortFree } from '@hub/dev';
import type { ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { checkCluster, formatClusterReport } from '../src/cluster-check';
import { ClusterProcess } from '../src/cluster-process';
import { runClusterScenario, startClusterLlm } from '../src/cluster-scenario';

const TEMPORAL_PORT = 17260; // 17260–17269: the cluster test's Temporal server
const GATEWAY_PORTS = [19080, 19081];
const AGENTS = 6;

let llm: ScriptedLlmServer | undefined;
let cluster: ClusterProcess | undefined;
const stateDir = mkdtempSync(join(tmpdir(), 'hub-cluster-e2e-'));
const dataDir = mkdtempSync(join(tmpdir(), 'hub-cluster-e2e-data-'));

beforeAll(async () => {
  llm = await startClusterLlm();
  cluster = new ClusterProcess({
    stateDir,
    pgPort: 0,
    temporalPort: TEMPORAL_PORT,
    gatewayPorts: GATEWAY_PORTS,
    env: {
      ...process.env,
      HUB_DATA_DIR: dataDir,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'cluster-e2e-key',
      HUB_MODEL: 'scripted-model',
      HUB_TASK_QUEUE: `cluster-e2e-${Date.now()}`,
    },
  });
  await cluster.start();
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await llm?.close();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}, 150_000);

describe('cluster mode (npm run cluster)', () => {
  it('loses and repeats nothing through two gateways while a worker is SIGKILLed and a gateway stopped', async () => {
    const c = cluster!;
    expect(c.banner.gateways.map((g) => g.url)).toEqual(GATEWAY_PORTS.map((p) => `http://127.0.0.1:${p}`));
    expect(c.banner.workers).toHaveLength(2);
    expect(c.banner.temporal).toBe(`127.0.0.1:${TEMPORAL_PORT}`);

    const run = await runClusterScenario(c, llm!, { sessions: 4, messages: 5, agents: AGENTS, log: (l) => console.log(l) });
    const report = await checkCluster(run, AGENTS);
    console.log(formatClusterReport(run, report));

    expect(run.chaos.map((e) => e.kind)).toEqual(['worker-kill', 'gateway-stop']);
    expect(c.lines(/worker-1 exited unexpectedly \(killed by SIGKILL\)/)).toHaveLength(1);
    expect(c.lines(/worker-1 restarted/)).toHaveLength(1);
    expect(c.lines(/gateway-2 restarted/)).toHaveLength(1);
    // The job was mid-flight at the kill: its agents had started calling the LLM.
    expect(run.chaos[0]!.agentCalls).toBeGreaterThan(0);
    expect(report.unacknowledged).toEqual([]);
    expect(report.counts.sessions).toBe(4);
    expect(report.counts.messagesAcknowledged).toBeGreaterThanOrEqual(20);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.wrongReplies).toEqual([]);
    expect(report.inconsistent).toEqual([]);
    expect(report.sseProblems).toEqual([]);
    expect(report.jobProblems).toEqual([]);
    expect(report.listingProblems).toEqual([]);
    expect(report.counts.agents).toBe(AGENTS);
    // The streams of the sessions followed through gateway 2 moved to gateway 1 when it stopped.
    expect(report.followersAcrossGateways).toBeGreaterThan(0);
    // The chaos reached the clients: some requests had to go to the other gateway.
    expect(report.retries).toBeGreaterThan(0);
  }, 420_000);

  it('stops cleanly on SIGTERM: exit code 0, PostgreSQL stopped by pg_ctl, nothing left running or listening', async () => {
    const c = cluster!;
    expect(await c.stop()).toBe(0);
    expect(c.lines(/\[cluster\] postgres stopped/)).toHaveLength(1);
    expect(c.lines(/\[cluster\] temporal stopped/)).toHaveLength(1);
    expect(c.leftovers()).toEqual([]);
    for (const port of [TEMPORAL_PORT, ...GATEWAY_PORTS]) expect(await isPortFree(port)).toBe(true);
  }, 150_000);
});
