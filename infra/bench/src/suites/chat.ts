import type { BenchSuite } from '../lib/suite';
import { CHAT_HELP, runChatBench } from '../chat/bench';

const suite: BenchSuite = { summary: 'chat-turn overhead: a turn through the gateway vs a bare update + one activity', help: CHAT_HELP, run: (argv) => runChatBench(argv) };
export default suite;
