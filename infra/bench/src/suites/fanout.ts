import type { BenchSuite } from '../lib/suite';
import { FANOUT_HELP, runFanOutBench } from '../fanout/bench';

const suite: BenchSuite = {
  summary: 'research fan-out on an SQLite dev server (as npm start): a research job vs bare child workflows and bare batch activities',
  help: FANOUT_HELP,
  run: (argv) => runFanOutBench(argv),
};
export default suite;
