import type { BenchSuite } from '../lib/suite';
import { TTFT_HELP, runTtftBench } from '../ttft/bench';

const suite: BenchSuite = { summary: 'time to first token: a direct streaming call vs a client of the hub\'s SSE stream', help: TTFT_HELP, run: (argv) => runTtftBench(argv) };
export default suite;
