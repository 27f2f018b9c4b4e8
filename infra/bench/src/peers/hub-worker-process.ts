/**
 * The hub's real worker (its workflow bundle and activities, ../hub-worker.ts), in its own process so its
 * CPU and RSS are measured apart from the LLM fixture and the bench client. Ready once it polls; `stop`
 * shuts it down.
 */
import { NativeConnection } from '@temporalio/worker';
import { startBenchHubWorker } from '../hub-worker';
import { serveChild } from './child';

interface Init {
  address: string;
  taskQueue: string;
  llmUrl: string;
}

serveChild<Init, { pid: number }>(async (init) => {
  const connection = await NativeConnection.connect({ address: init.address });
  const { worker, close } = await startBenchHubWorker({ connection, taskQueue: init.taskQueue, llmUrl: init.llmUrl, model: 'bench' });
  const running = worker.run();
  running.catch((err: unknown) => {
    process.stderr.write(`hub worker stopped: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
  return {
    ready: { pid: process.pid },
    handle: async (type) => {
      throw new Error(`unknown request '${type}'`);
    },
    stop: async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await close();
      await connection.close();
    },
  };
});
