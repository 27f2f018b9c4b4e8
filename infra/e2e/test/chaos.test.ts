/**
 * Chaos, bounded (issue 11, "Tests and figures"): on the real stack (Temporal dev server on an
 * SQLite file, worker and gateway processes, the real bookings MCP server over stdio, the
 * scripted LLM), sessions exchange messages, a research job runs and two saga tasks book rooms
 * (one completes, one is compensated) while the worker is SIGKILLed three times, Temporal is
 * stopped and started again on the same file and port, and the gateway is SIGKILLed and
 * restarted. Clients retry every unanswered request with the same Idempotency-Key.
 * Afterwards: no acknowledged message lost or duplicated (history, replies, LLM turns per
 * idempotency key), every booking made exactly once and cancelled exactly once when its task
 * was compensated, and the tenant has exactly the sessions, jobs and tasks the clients were
 * answered. `npm run bench -- chaos` runs the same scenario larger and reports its figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { checkChaos, formatChaosReport } from '../src/chaos-check';
import { runChaos, startChaosStack } from '../src/chaos';
import type { HubStack } from '../src/stack';

let env: { hub: HubStack; llm: ScriptedLlmServer; bookingsFile: string };

beforeAll(async () => {
  env = await startChaosStack();
});
afterAll(async () => {
  await env?.hub.stop();
  await env?.llm.close();
});

describe('chaos', () => {
  it('loses no acknowledged message, repeats no reply, leaks no side effect and leaves no orphan', async () => {
    const run = await runChaos(env, {
      sessions: 3,
      messages: 4,
      jobs: 1,
      tasks: 2,
      workerKills: 3,
      temporalRestarts: 1,
      gatewayRestarts: 1,
      gapMs: 1_500,
      log: (l) => console.log(l),
    });
    const report = await checkChaos(run);
    console.log(formatChaosReport(report));

    expect(report.counts).toMatchObject({ workerKills: 3, temporalRestarts: 1, gatewayRestarts: 1, sessions: 3, jobs: 1, tasks: 2 });
    expect(report.unacknowledged).toEqual([]);
    expect(report.counts.messagesAcknowledged).toBeGreaterThanOrEqual(12);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.wrongReplies).toEqual([]);
    expect(report.sagaProblems).toEqual([]);
    expect(report.jobProblems).toEqual([]);
    expect(report.orphans).toEqual([]);
    expect(report.missing).toEqual([]);
    // The chaos did reach the clients: some requests had to be retried.
    expect(report.client.retries).toBeGreaterThan(0);
  }, 175_000);
});
