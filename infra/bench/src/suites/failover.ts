import type { BenchSuite } from '../lib/suite';
import { FAILOVER_HELP, runFailoverBench } from '../failover';

const suite: BenchSuite = { summary: 'worker failover: the sessions of a killed worker move to a live one', help: FAILOVER_HELP, run: (argv) => runFailoverBench(argv) };
export default suite;
