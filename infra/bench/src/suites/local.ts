import type { BenchSuite } from '../lib/suite';
import { LOCAL_MODEL_HELP, runLocalModelBench } from '../local-model';

const suite: BenchSuite = { summary: 'the embedded local model: load time, tokens/s', help: LOCAL_MODEL_HELP, run: (argv) => runLocalModelBench(argv) };
export default suite;
