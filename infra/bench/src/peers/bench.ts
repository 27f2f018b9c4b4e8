/**
 * `npm run bench -- peers`: the research shape (a planner call, N parallel agents each making one LLM call,
 * a synthesizer call) built three ways, beside each other in one run, for N = 10, 100, 1,000:
 *
 * - hub: a real `researchJob` started with the Temporal client (as the fanout suite does), on an embedded
 *   Temporal dev server persisting to an SQLite file (as `npm start` runs it: startDevServer's defaults for
 *   a dbFile), worked by the hub's real worker in its own process. Its CPU and RSS are the dev server's plus
 *   the worker's (the bench client's own CPU is reported apart and excluded);
 * - langgraph: LangGraph.js `StateGraph` with `Send` fan-out and the SQLite checkpointer (./langgraph-process.ts);
 * - floor: a plain `Promise.all`, no durability (./floor-process.ts).
 *
 * Each runs in its own process; so does the LLM (the scripted fixture with the research responder, answering
 * at once), so nobody's figures include it. The peers send the hub's requests (./shape.ts: its prompt
 * builders, profiles, tools and plan schema); the LLM counts each role's requests and bytes to show it.
 * Rounds run every size with the contenders' order rotated per round; medians are reported with the ratios
 * hub/LangGraph and hub/floor. Figures are reported, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_MAX_TOKENS, getProfile, toOpenAITools } from '@hub/agents';
import { primaryModelOf, researchPlanSchemas, type AgentProfile } from '@hub/contracts';
import { createBuiltinProvider } from '@hub/tools';
import { withZod } from '../../../../workflows/src/validators';
import { intListOption, intOption } from '../lib/args';
import { machine, writeResult } from '../lib/results';
import { startChild, type Child } from './child';
import { startContenders } from './contenders';
import { KINDS, printSummary, summarize, type Measured } from './report';
import type { PeerKit, RoleSettings } from './shape';

export const PEERS_HELP = `peers options (suite "peers"):
  --sizes N[,N…]      agents per research job (default 10,100,1000)
  --rounds N          rounds per size, the contenders' order rotated per round;
                      medians are reported (default 3)
  --max-minutes M     time budget: a size's rounds after its second start only if
                      another like the last still fits (default 5)
  The research shape (planner call -> N agents with one LLM call each ->
  synthesizer call), same prompts, same scripted LLM answering at once (its own
  process), built three ways, each in its own process:
    hub        a research job on the hub's real worker, on an embedded Temporal
               dev server with an SQLite file (as npm start); CPU and RSS =
               dev server + worker
    langgraph  LangGraph.js StateGraph, Send fan-out, SqliteSaver on a file
    floor      plain Promise.all, no durability
  Fresh processes for each size (so a larger run's memory is not counted in
  the next one's RSS), warmed up with one N=10 run each.
  Prints wall time, CPU and peak RSS of each and the ratios hub/LangGraph and
  hub/floor. Targets: hub <= 1.0x LangGraph wall time at N = 100 and 1,000,
  hub CPU within 2x LangGraph's. Writes infra/bench/results/peers-*.json.
`;

export interface PeersOptions {
  sizes: number[];
  rounds: number;
  maxMinutes: number;
}

export function parsePeersArgs(argv: string[]): PeersOptions {
  return {
    sizes: intListOption(argv, 'sizes', [10, 100, 1000], 10_000),
    rounds: intOption(argv, 'rounds', 3, 20),
    maxMinutes: intOption(argv, 'max-minutes', 5, 120),
  };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function profileOf(name: string): AgentProfile {
  const p = getProfile(name);
  if (!p) throw new Error(`agent profile '${name}' is missing`);
  return p;
}
/** The hub's bench worker answers requests without a model with 'bench' (its defaultModel). */
const role = (p: AgentProfile): RoleSettings => ({ systemPrompt: p.systemPrompt, temperature: p.temperature, model: primaryModelOf(p.model) || 'bench' });

export async function runPeersBench(argv: string[]): Promise<void> {
  const opts = parsePeersArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-peers-'));
  let llm: Child<{ url: string }> | undefined;
  try {
    log(`bench peers: the scripted LLM in its own process; per size, a Temporal dev server on an SQLite file in ${dir}, the hub worker, LangGraph.js and the floor, each in its own process…`);
    llm = await startChild<{ url: string }>('./llm-process.ts', {}, { name: 'scripted LLM' });
    const profiles = { planner: profileOf('research-planner'), researcher: profileOf('researcher'), synthesizer: profileOf('research-synthesizer') };
    const kit: PeerKit = {
      llmUrl: llm.ready.url,
      planner: role(profiles.planner),
      researcher: role(profiles.researcher),
      synthesizer: role(profiles.synthesizer),
      agentTools: toOpenAITools(await createBuiltinProvider().listTools()),
      planSchema: withZod(researchPlanSchemas)().jsonSchema(),
      maxTokens: DEFAULT_MAX_TOKENS,
    };

    const runs: Measured[] = [];
    const idleRssBytes: Record<number, Record<string, number>> = {};
    const roundsBySize: Record<number, number> = {};
    const benchStart = performance.now();
    for (const n of opts.sizes) {
      // Fresh processes per size: a long-lived process keeps the memory of a larger run, and it would show
      // as the next size's peak RSS.
      const c = await startContenders({ dir, label: `n${n}`, llm, kit, profiles });
      try {
        idleRssBytes[n] = c.idleRssBytes();
        log(`bench peers: N=${n}: warm-up (N=10 each)…`);
        for (const kind of KINDS) await c.measure(kind, 10, `n${n}-warmup`);
        let rounds = 0;
        for (let round = 0; round < opts.rounds; round++) {
          const roundStart = performance.now();
          const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
          for (const kind of order) {
            const m = await c.measure(kind, n, `n${n}-r${round}`);
            runs.push(m);
            log(
              `  N=${String(n).padEnd(5)} round ${round + 1}/${opts.rounds}  ${kind.padEnd(9)} ${m.wallMs.toFixed(0).padStart(7)} ms  ` +
                `cpu ${(m.cpuMs / 1000).toFixed(2)} s  rss ${(m.peakRssBytes / 1048576).toFixed(0)} MB  llm calls ${m.llm.planner.calls}+${m.llm.agent.calls}+${m.llm.synthesizer.calls}`,
            );
            await sleep(300);
          }
          rounds += 1;
          const now = performance.now();
          if (rounds >= 2 && rounds < opts.rounds && now - benchStart + (now - roundStart) > opts.maxMinutes * 60_000) {
            log(`  N=${n}: stopping after ${rounds} rounds: another would exceed --max-minutes ${opts.maxMinutes}`);
            break;
          }
        }
        roundsBySize[n] = rounds;
      } finally {
        await c.stop();
      }
    }

    const summary = summarize(runs, opts.sizes);
    printSummary(summary, roundsBySize, idleRssBytes);
    writeResult('peers', {
      benchmark: 'peers',
      at: new Date().toISOString(),
      machine: machine(),
      options: opts,
      rounds: roundsBySize,
      setup: {
        llm: 'scripted OpenAI-compatible fixture, research responder, own process',
        hub: 'researchJob via the Temporal client; dev server with an SQLite file (startDevServer defaults); hub worker in its own process',
        langgraph: '@langchain/langgraph StateGraph, Send fan-out, SqliteSaver on a file, own process',
        floor: 'Promise.all, own process',
        processes: 'started afresh for each size (the LLM once), warmed up with one N=10 run each',
      },
      target: { hubOverLangGraphWall: 1.0, hubOverLangGraphCpu: 2.0, atSizes: [100, 1000] },
      idleRssBytes,
      summary,
      runs,
    });
  } finally {
    await llm?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
