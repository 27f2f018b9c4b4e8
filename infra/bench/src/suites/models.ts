import type { BenchSuite } from '../lib/suite';
import { MODELS_HELP, runModelsBench } from '../models/bench';

const suite: BenchSuite = { summary: 'budget lease overhead per LLM call: no meter vs budgets off vs budgets on', help: MODELS_HELP, run: (argv) => runModelsBench(argv) };
export default suite;
