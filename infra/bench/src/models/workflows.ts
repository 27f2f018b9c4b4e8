/**
 * The models bench's workflow: a stand-in for a session whose every Update is one call of the hub's real
 * `llmComplete` activity on the given task queue (a hub worker with or without a budget meter). Its id is
 * `session/<tenant>/<id>`, so `billingOf` bills the calls to `<tenant>` as it does a session's.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { SessionActivities } from '@hub/contracts';

/** One LLM call; returns the reply's text. */
export const llmCallUpdate = defineUpdate<string, [string]>('benchLlmCall');
export const stopUpdate = defineUpdate<void>('benchStop');

export async function modelsBenchSession(activityQueue: string): Promise<void> {
  const { llmComplete } = proxyActivities<Pick<SessionActivities, 'llmComplete'>>({
    taskQueue: activityQueue,
    startToCloseTimeout: '1 minute',
    // One attempt on purpose: a retried call would be timed as one call (the bench measures single calls).
    retry: { maximumAttempts: 1 },
  });
  let done = false;
  setHandler(llmCallUpdate, async (text) => {
    const res = await llmComplete({ temperature: 0, systemPrompt: 'You are a benchmark.', messages: [{ role: 'user', content: text }], tools: [] });
    return res.content;
  });
  setHandler(stopUpdate, () => {
    done = true;
  });
  await condition(() => done);
}
