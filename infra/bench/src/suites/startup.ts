import type { BenchSuite } from '../lib/suite';
import { STARTUP_HELP, runStartupBench } from '../startup/bench';

const suite: BenchSuite = { summary: 'worker start: spawn to polling, with and without the prebuilt workflow bundle', help: STARTUP_HELP, run: (argv) => runStartupBench(argv) };
export default suite;
