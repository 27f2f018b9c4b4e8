/**
 * LangGraph.js, in its own process: the research shape as a `StateGraph` (planner node → `Send` fan-out to
 * one `agent` node per sub-question → synthesizer node; the findings collected by a reducer), compiled with
 * the SQLite checkpointer (`SqliteSaver` on a file, one thread per run: every superstep is checkpointed and
 * each agent's write is stored as it completes, so a re-invoke after a crash repeats only the calls in
 * flight). Each agent makes one call with the `openai` client (the hub's client; ./shape.ts peerClient) and the same
 * requests as the hub's (./shape.ts). Requests: `run` { question, n, threadId } → RunReport.
 */
import { Annotation, END, START, Send, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import type { SubTask } from '@hub/contracts';
import { serveChild } from './child';
import { agentRequest, complete, peerClient, planOf, plannerRequest, synthesizerRequest, type Finding, type PeerKit } from './shape';
import { runTimed, type RunPayload, type RunReport } from './run-report';

const Research = Annotation.Root({
  question: Annotation<string>(),
  maxAgents: Annotation<number>(),
  plan: Annotation<SubTask[]>({ reducer: (_, next) => next, default: () => [] }),
  findings: Annotation<Finding[]>({ reducer: (all, more) => all.concat(more), default: () => [] }),
  report: Annotation<string>({ reducer: (_, next) => next, default: () => '' }),
});
type ResearchState = typeof Research.State;

/** What `Send` hands one agent node. */
interface AgentArg {
  question: string;
  task: SubTask;
}

export function buildGraph(kit: PeerKit, openai: ReturnType<typeof peerClient>, dbFile: string) {
  return new StateGraph(Research)
    .addNode('planner', async (s: ResearchState) => ({ plan: planOf(await complete(openai, plannerRequest(kit, s.question, s.maxAgents)), s.maxAgents) }))
    .addNode('agent', async (arg: ResearchState) => {
      const { question, task } = arg as unknown as AgentArg;
      return { findings: [{ index: task.index, answer: await complete(openai, agentRequest(kit, question, task)) }] };
    })
    .addNode('synthesizer', async (s: ResearchState) => ({ report: await complete(openai, synthesizerRequest(kit, s.question, s.plan, s.findings)) }))
    .addEdge(START, 'planner')
    .addConditionalEdges('planner', (s: ResearchState) => s.plan.map((task) => new Send('agent', { question: s.question, task } satisfies AgentArg)), ['agent'])
    .addEdge('agent', 'synthesizer')
    .addEdge('synthesizer', END)
    .compile({ checkpointer: SqliteSaver.fromConnString(dbFile) });
}

serveChild<PeerKit & { dbFile: string }, { pid: number }>(async (kit) => {
  const openai = peerClient(kit);
  const graph = buildGraph(kit, openai, kit.dbFile);
  return {
    ready: { pid: process.pid },
    handle: async (type, payload): Promise<RunReport> => {
      if (type !== 'run') throw new Error(`unknown request '${type}'`);
      const { question, n, threadId } = payload as RunPayload;
      return runTimed(async () => {
        const out = await graph.invoke({ question, maxAgents: n }, { configurable: { thread_id: threadId ?? question }, recursionLimit: 25 });
        return { agents: out.plan.length, succeeded: out.findings.length, reportChars: out.report.length };
      });
    },
  };
});
