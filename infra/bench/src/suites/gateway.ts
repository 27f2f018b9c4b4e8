import type { BenchSuite } from '../lib/suite';
import { runGatewayBench } from '../gateway/bench';
import { GATEWAY_HELP } from '../gateway/options';

const suite: BenchSuite = {
  summary: 'one gateway under load: 1,000 SSE clients over 100 sessions with turns running, GET /v1/sessions/{id} alongside',
  help: GATEWAY_HELP,
  run: (argv) => runGatewayBench(argv),
};
export default suite;
