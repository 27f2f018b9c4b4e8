/**
 * The floor, in its own process: the research shape as a plain `Promise.all` with no durability. A planner
 * call, N agent calls at once, a synthesizer call; the same requests as the hub's (./shape.ts), the same
 * `openai` client as the hub's worker (./shape.ts peerClient). Requests: `run` { question, n } → RunReport.
 */
import { serveChild } from './child';
import { agentRequest, complete, peerClient, planOf, plannerRequest, synthesizerRequest, type Finding, type PeerKit } from './shape';
import { runTimed, type RunPayload, type RunReport } from './run-report';

serveChild<PeerKit, { pid: number }>(async (kit) => {
  const openai = peerClient(kit);
  return {
    ready: { pid: process.pid },
    handle: async (type, payload): Promise<RunReport> => {
      if (type !== 'run') throw new Error(`unknown request '${type}'`);
      const { question, n } = payload as RunPayload;
      return runTimed(async () => {
        const plan = planOf(await complete(openai, plannerRequest(kit, question, n)), n);
        const findings: Finding[] = await Promise.all(
          plan.map(async (task) => ({ index: task.index, answer: await complete(openai, agentRequest(kit, question, task)) })),
        );
        const report = await complete(openai, synthesizerRequest(kit, question, plan, findings));
        return { agents: plan.length, succeeded: findings.length, reportChars: report.length };
      });
    },
  };
});
