import type { BenchSuite } from '../lib/suite';
import { FANOUT_HELP, runFanOutBench } from '../fanout/bench';

const suite: BenchSuite = { summary: 'research fan-out: a research job vs bare child workflows', help: FANOUT_HELP, run: (argv) => runFanOutBench(argv) };
export default suite;
