import type { BenchSuite } from '../lib/suite';
import { IDLE_HELP, runIdleBench } from '../idle/bench';

const suite: BenchSuite = { summary: 'idle sessions: worker RSS, cold vs warm turn and database size over 10,000 one-turn sessions', help: IDLE_HELP, run: (argv) => runIdleBench(argv) };
export default suite;
