/**
 * A fan-out worker in its own process, so the bench measures its CPU and RSS apart from the fake LLM and the
 * client: `node --import tsx worker-process.ts <hub|bare> <temporal address> <task queue> <llm url>`.
 *
 * - hub: the hub's real worker (as ../hub-worker.ts builds it: its workflow bundle, activities and tuning, on
 *   an empty hub config; with a larger LLM reply cap for the 10,000-agent plan, see below);
 * - bare: the bench-only baseline workflows (./bare-workflows.ts) and activities (./bare-activities.ts), with
 *   the hub worker's activity slots (100 at a time).
 * Prints `fanout worker ready` once polling; SIGTERM shuts it down; it also exits when its parent goes away.
 */
import { createRequire } from 'node:module';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startBenchHubWorker } from '../hub-worker';
import { createBareActivities } from './bare-activities';
import { WORKER_READY_LINE } from './workers';

const require = createRequire(import.meta.url);
const PLANNER_REPLY_BYTES = 1024 * 1024;

async function main(): Promise<void> {
  const [kind, address, taskQueue, llmUrl] = process.argv.slice(2);
  if ((kind !== 'hub' && kind !== 'bare') || !address || !taskQueue || !llmUrl) {
    throw new Error('usage: worker-process.ts <hub|bare> <temporal address> <task queue> <llm url>');
  }
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the SDK's state changes are noise here
  const connection = await NativeConnection.connect({ address });
  let close = async (): Promise<void> => undefined;
  let worker: Worker;
  if (kind === 'hub') {
    // The one departure from the hub's defaults: the fake planner's plan of 10,000 sub-questions is a reply of
    // about 0.9 MB, past the LLM activity's 256 KB reply cap (a real model, at 8,192 max tokens, could not
    // write it at all); 1 MB (the activity's result limit) lets the bench plan its largest job.
    const hub = await startBenchHubWorker({ connection, taskQueue, llmUrl, model: 'bench', maxReplyBytes: PLANNER_REPLY_BYTES });
    worker = hub.worker;
    close = hub.close;
  } else {
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./bare-workflows'),
      activities: createBareActivities(llmUrl),
      maxConcurrentActivityTaskExecutions: 100,
    });
  }
  // Runs until SIGTERM/SIGINT, or until the bench (its parent, over IPC) is gone; then drains and exits.
  try {
    await worker.runUntil(async () => {
      process.stdout.write(`${WORKER_READY_LINE}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve).once('SIGINT', resolve).once('disconnect', resolve);
      });
    });
  } finally {
    await close();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`fanout worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
