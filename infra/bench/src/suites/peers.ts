import type { BenchSuite } from '../lib/suite';
import { PEERS_HELP, runPeersBench } from '../peers/bench';

const suite: BenchSuite = {
  summary: 'research shape beside LangGraph.js (SQLite checkpointer) and a plain Promise.all floor',
  help: PEERS_HELP,
  run: (argv) => runPeersBench(argv),
};
export default suite;
