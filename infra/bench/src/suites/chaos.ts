import type { BenchSuite } from '../lib/suite';
import { CHAOS_HELP, runChaosBench } from '../chaos';

const suite: BenchSuite = { summary: 'bounded chaos run: kills and restarts during traffic', help: CHAOS_HELP, run: (argv) => runChaosBench(argv) };
export default suite;
