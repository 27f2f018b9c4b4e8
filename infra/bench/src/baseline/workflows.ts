/**
 * Baseline for the chat-turn benchmark: the least a Temporal turn can be —
 * an Update that runs one activity and returns its result.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export const turnUpdate = defineUpdate<string, [string]>('turn');
export const stopUpdate = defineUpdate<void>('stop');

const { complete } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export async function baselineSession(): Promise<void> {
  let done = false;
  setHandler(turnUpdate, (text) => complete(text));
  setHandler(stopUpdate, () => {
    done = true;
  });
  await condition(() => done);
}
